import type { Response } from 'express';
import { defineRoute, type RouteDef } from '../../../core/http';
import type { BastionReports } from './bastion-reports';
import type { RenderedReport } from './render';
import { BASTION_REPORT_KINDS, bastionReportQuery } from './reports-schemas';

/** Sends a rendered report as a download; the SM3 digest lets a reader check the file against the audit record. */
export function sendReport(res: Response, out: RenderedReport): void {
  res.setHeader('content-type', out.contentType);
  res.setHeader('content-disposition', `attachment; filename="${out.filename}"`);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-sm3', out.sm3);
  res.send(out.body);
}

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
