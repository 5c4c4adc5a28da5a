// The report kit every security room exports with: one model, four renderers, the range query, the download.
export * from './report-model';
export * from './report-text-fns';
export * from './report-range-schemas';
export * from './render-report';
export * from './send-report';
export * from './export-report';
export { escapeHtml } from './render-html';
export { xlsxHeader } from './render-xlsx';
export { DEFAULT_CJK_FONT } from './render-pdf';
