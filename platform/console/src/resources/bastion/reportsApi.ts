import { ApiError, type QueryValue } from '../../api/http';
import type { Problem } from '../../api/types';
import { saveBlob } from '../../api/download';

export const REPORT_FORMATS = ['xlsx', 'docx', 'pdf', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The report routes of security/bastion/reports and security/dbaudit/reports, and the filters each takes. */
export const REPORTS = {
  'bastion-users': { path: '/api/bastion/reports/users', room: 'bastion', filters: ['operator', 'asset'] },
  'bastion-sessions': { path: '/api/bastion/reports/sessions', room: 'bastion', filters: ['operator', 'asset'] },
  'dbaudit-sessions': { path: '/api/db-audit/reports/sessions', room: 'dbaudit', filters: ['user', 'database'] },
  'dbaudit-statements': { path: '/api/db-audit/reports/statements', room: 'dbaudit', filters: ['user', 'database'] },
} as const;
export type ReportKind = keyof typeof REPORTS;

function fileNameOf(res: Response, fallback: string): string {
  const m = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
  return m?.[1] ?? fallback;
}

/**
 * Downloads one report (a plain GET with the session cookie: binary bodies cannot go through `api`). Resolves with
 * the file name and the SM3 digest the server sent, which is also kept in the audit record of this export.
 */
export async function downloadReport(kind: ReportKind, format: ReportFormat, filter: Record<string, QueryValue>): Promise<{ fileName: string; sm3: string | null }> {
  const params = new URLSearchParams({ format });
  for (const k of ['from', 'to', ...REPORTS[kind].filters]) {
    const v = filter[k];
    if (v === undefined || v === null || v === '') continue;
    params.set(k, v instanceof Date ? v.toISOString() : String(v));
  }
  let res: Response;
  try {
    res = await fetch(`${REPORTS[kind].path}?${params}`, { credentials: 'same-origin', headers: { accept: '*/*' } });
  } catch {
    throw new ApiError({ status: 0, code: 'network' });
  }
  if (!res.ok) {
    const p = (await res.json().catch(() => ({}))) as Partial<Problem>;
    throw new ApiError({ ...p, status: res.status });
  }
  const fileName = fileNameOf(res, `${kind}.${format}`);
  saveBlob(await res.blob(), fileName);
  return { fileName, sm3: res.headers.get('x-content-sm3') };
}
