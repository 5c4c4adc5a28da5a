export * from './report-model';
export * from './render';
export * from './reports-schemas';
export * from './bastion-reports';
export * from './reports-routes';
export { escapeHtml } from './render-html';
export { xlsxHeader } from './render-xlsx';
export { DEFAULT_CJK_FONT } from './render-pdf';
