import { defineRoute, type RouteDef } from '../../../core/http';
import { sendReport } from '../../reports';
import type { BastionReports } from './bastion-reports';
import { BASTION_REPORT_KINDS, bastionReportQuery } from './reports-schemas';

/** GET /api/bastion/reports/{users|sessions}?format=xlsx|docx|pdf|html&from&to&operator&asset */
export function bastionReportRoutes(reports: BastionReports): RouteDef[] {
  return BASTION_REPORT_KINDS.map((kind) =>
    defineRoute({
      method: 'get',
      path: `/api/bastion/reports/${kind}`,
      tag: 'bastion',
      summary: kind === 'users' ? 'Users report (per operator: sessions, assets, commands, denials, transfers, logins) as xlsx, docx, pdf or html' : 'Sessions report (each session with its counts and whether it was killed) as xlsx, docx, pdf or html',
      access: 'bastion.session_read',
      audit: 'bastion_report.exported',
      query: bastionReportQuery,
      raw: true,
      handler: async ({ actor, query, res }) => sendReport(res, await reports.export(actor, kind, query)),
    }),
  );
}
