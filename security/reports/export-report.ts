import type { AuditAction, AuditTrail } from '../../core/audit';
import type { Actor } from '../../core/authz';
import type { ReportFormat, ReportModel } from './report-model';
import { renderReport, type RenderedReport } from './render-report';

export type ReportExportDeps = { audit: Pick<AuditTrail, 'record'>; pdfFontPath?: string };
/** How the room names its export in the audit trail: `action` on a target of `targetType` whose id is the report kind. */
export type ReportExportRecord = { action: AuditAction; targetType: string; report: string };

/**
 * Renders a report and records who exported which report, with which filter, and the SM3 digest of the file, so a
 * file handed on later can be matched to its export. Every room's export goes through here so the records agree.
 */
export async function exportReport(deps: ReportExportDeps, actor: Actor, what: ReportExportRecord, model: ReportModel, format: ReportFormat): Promise<RenderedReport> {
  const out = await renderReport(model, format, { pdfFontPath: deps.pdfFontPath });
  await deps.audit.record({
    actor,
    action: what.action,
    target: { type: what.targetType, id: what.report },
    detail: { report: what.report, format, filename: out.filename, filter: Object.fromEntries(model.filters), rows: model.rows.length, bytes: out.body.length, sm3: out.sm3 },
  });
  return out;
}
