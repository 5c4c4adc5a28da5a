import type { Response } from 'express';
import type { RenderedReport } from './render-report';

/** Sends a rendered report as a download; the SM3 digest lets a reader check the file against the audit record. */
export function sendReport(res: Response, out: RenderedReport): void {
  res.setHeader('content-type', out.contentType);
  res.setHeader('content-disposition', `attachment; filename="${out.filename}"`);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-sm3', out.sm3);
  res.send(out.body);
}
