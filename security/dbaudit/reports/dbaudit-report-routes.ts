import { defineRoute, type RouteDef } from '../../../core/http';
import { sendReport } from '../../reports';
import { DBAUDIT_REPORT_KINDS, dbauditReportQuery, type DbAuditReports } from './dbaudit-reports';

/** GET /api/db-audit/reports/{sessions|statements}?format=xlsx|docx|pdf|html&from&to&user&database */
export function dbauditReportRoutes(reports: DbAuditReports): RouteDef[] {
  return DBAUDIT_REPORT_KINDS.map((kind) =>
    defineRoute({
      method: 'get',
      path: `/api/db-audit/reports/${kind}`,
      tag: 'db-audit',
      summary: kind === 'sessions' ? 'Database sessions report (each connection with its login, TLS, statement, failure and alert counts) as xlsx, docx, pdf or html' : 'Statements summary report (per account, database and command type) as xlsx, docx, pdf or html',
      access: 'dbaudit.read',
      audit: 'dbaudit_report.exported',
      query: dbauditReportQuery,
      raw: true,
      handler: async ({ actor, query, res }) => sendReport(res, await reports.export(actor, kind, query)),
    }),
  );
}
