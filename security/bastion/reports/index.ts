export * from './reports-schemas';
export * from './bastion-reports';
export * from './reports-routes';
