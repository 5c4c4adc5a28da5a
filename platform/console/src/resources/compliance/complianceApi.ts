import { api, ApiError, currentCsrfToken } from '../../api/http';
import type { Problem } from '../../api/types';
import type { ManualVerdictBody, Overview, RunSummary } from './types';

/**
 * The compliance room's calls that are not react-admin CRUD (the item list and detail go through the
 * dataProvider as resource `compliance`). Each notes the permission it needs; the buttons check it first.
 */

/** compliance.read: both scores, conclusion, categories, the items dragging the score and the trend. */
export const getOverview = (signal?: AbortSignal) => api<Overview>('GET', '/api/compliance/overview', { signal });

/** compliance.run: runs every registered check now (takes seconds: the estate plan is evaluated). */
export const runChecksNow = () => api<RunSummary>('POST', '/api/compliance/runs');

/** compliance.manual_verdict: a verdict with its note and evidence files (base64 in the body). */
export const recordVerdict = (itemId: string, body: ManualVerdictBody) =>
  api<{ id: string; itemId: string; verdict: string; recordedAt: string }>('POST', `/api/compliance/items/${encodeURIComponent(itemId)}/verdicts`, { body });

/** compliance.assess: the assessor's 测评结论 (verdict and reasoning, no files). */
export const recordConclusion = (itemId: string, body: Omit<ManualVerdictBody, 'files'>) =>
  api<{ id: string; itemId: string; verdict: string; recordedAt: string }>('POST', `/api/compliance/items/${encodeURIComponent(itemId)}/conclusions`, { body });

/** compliance.export: the phase of this account's export in progress (polled while the server builds the pack). */
export const getExportProgress = (signal?: AbortSignal) =>
  api<{ active: boolean; phase: string | null; done: number; total: number; message: string }>('GET', '/api/compliance/export/progress', { signal });

/** compliance.read: where an evidence file downloads from (a plain GET with the session cookie). */
export const fileUrl = (fileId: string) => `/api/compliance/files/${encodeURIComponent(fileId)}`;

/** The server's limits for uploads (compliance-schemas.ts): 16 MiB a file, 20 files. */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;
export const MAX_UPLOAD_FILES = 20;

/** A browser File as base64 (without the data: prefix). */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.onload = () => {
      const url = String(reader.result ?? '');
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.readAsDataURL(file);
  });
}

export type ExportProgress = { phase: 'generating' | 'downloading'; received: number; total: number | null };

/**
 * compliance.export: the server builds and signs the whole pack before it answers, then the zip streams down.
 * Progress reports the phase and, while downloading, the bytes received. Resolves with the zip and its name.
 */
export async function exportPack(onProgress: (p: ExportProgress) => void, signal?: AbortSignal): Promise<{ blob: Blob; fileName: string; manifestSm3: string | null }> {
  onProgress({ phase: 'generating', received: 0, total: null });
  const headers: Record<string, string> = { accept: 'application/zip, application/problem+json' };
  const csrf = currentCsrfToken();
  if (csrf) headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch('/api/compliance/export', { method: 'POST', headers, credentials: 'same-origin', signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: 'network' });
  }
  if (!res.ok) {
    let problem: Partial<Problem> = {};
    try {
      problem = (await res.json()) as Partial<Problem>;
    } catch {
      // Not a problem document: the status says enough.
    }
    throw new ApiError({ ...problem, status: res.status });
  }
  const total = Number(res.headers.get('content-length')) || null;
  const chunks: Uint8Array[] = [];
  let received = 0;
  onProgress({ phase: 'downloading', received, total });
  const reader = res.body?.getReader();
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onProgress({ phase: 'downloading', received, total });
    }
  } else {
    chunks.push(new Uint8Array(await res.arrayBuffer()));
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'yiyun-evidence.zip';
  return { blob: new Blob(chunks as BlobPart[], { type: 'application/zip' }), fileName, manifestSm3: res.headers.get('x-manifest-sm3') };
}
