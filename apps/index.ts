// The clinical-app room: the catalogue of the procurement's 15 clinical systems and the Pulumi component
// that deploys one of them. Imports only core/.
export * from './catalogue/catalogue-schema';
export { CATALOGUE, CATALOGUE_INPUT, catalogueEntry } from './catalogue/catalogue';
export * from './components/clinical-app-plan';
export { ClinicalApp, GRADE_LABEL, type ClinicalAppArgs, type LogAuditTarget } from './components/clinical-app';
