export * from './dbaudit-reports';
export * from './dbaudit-report-routes';
