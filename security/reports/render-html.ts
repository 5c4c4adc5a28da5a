import type { ReportModel } from './report-model';
import { cellText, headerLines } from './report-text-fns';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Every value in a report may come from an operator (commands, paths, login names): all of it goes through here. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * A self-contained page: inline CSS, no script, no external resource, and a CSP that forbids both, so a report
 * opened from disk or a mail attachment can neither run nor fetch anything.
 */
export function renderHtml(m: ReportModel): Buffer {
  const e = escapeHtml;
  const head = m.columns.map((c) => `<th>${e(c.header)}</th>`).join('');
  const numeric = new Set(m.columns.filter((c) => c.kind === 'number' || c.kind === 'bytes' || c.kind === 'duration').map((c) => c.key));
  const body = m.rows
    .map((r) => `<tr>${m.columns.map((c) => `<td${numeric.has(c.key) ? ' class="n"' : ''}>${e(cellText(r[c.key] ?? null, c.kind, m.timeZone))}</td>`).join('')}</tr>`)
    .join('\n');
  const html = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="yiyun">
<title>${e(m.title)}</title>
<style>
body{font-family:"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;margin:24px;color:#222}
h1{font-size:20px;margin:0 0 8px}
p.meta{margin:2px 0;color:#555;font-size:13px}
table{border-collapse:collapse;margin-top:12px;font-size:12px;width:100%}
th,td{border:1px solid #bbb;padding:4px 6px;text-align:left;vertical-align:top;word-break:break-all}
th{background:#eef2f7}
td.n{text-align:right}
tr:nth-child(even) td{background:#fafafa}
@media print{body{margin:0}}
</style>
</head>
<body>
<h1>${e(m.title)}</h1>
${headerLines(m).map((l) => `<p class="meta">${e(l)}</p>`).join('\n')}
<table>
<thead><tr>${head}</tr></thead>
<tbody>
${body || `<tr><td colspan="${m.columns.length}">无数据</td></tr>`}
</tbody>
</table>
</body>
</html>
`;
  return Buffer.from(html, 'utf8');
}
