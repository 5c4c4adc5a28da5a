import { CHECK_KIND_LABELS, RESPONSIBILITY_LABELS } from '../catalogues';
import type { EffectiveItem } from '../compliance-fns';
import type { DengbaoScore, Drag, MipingScore } from '../scoring/scoring-fns';
import { PENDING_LABEL, VERDICT_LABELS } from '../verdict';

/** Escapes text for HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;width:100%;margin:12px 0}th,td{border:1px solid #ccc;padding:4px 6px;vertical-align:top;font-size:13px}
th{background:#f3f3f3;position:sticky;top:0}.pass{background:#e2f0d9}.partial{background:#fff2cc}.fail{background:#f8cbad}.na{background:#ededed}.pending{background:#ddebf7}
.muted{color:#777;font-size:12px}input{padding:4px;width:320px}`;

/** index.html: scores, the files of the pack, and every item with its verdict and evidence links; no scripts needed except the filter. */
export function buildIndexHtml(input: {
  generatedAt: Date;
  productVersion: string;
  dengbao: DengbaoScore & { drag: Drag[] };
  miping: MipingScore & { drag: Drag[] };
  catalogues: Array<{ id: string; title: string; items: EffectiveItem[] }>;
  evidenceLinks: Map<string, Array<{ href: string; description: string }>>;
  documents: Array<{ href: string; title: string }>;
  /** Each tenant's own and shared items with its own evidence. */
  tenants?: Array<{ tenantId: string; label: string; catalogues: Array<{ id: string; title: string; items: EffectiveItem[] }>; links: Map<string, Array<{ href: string; description: string }>>; dengbao: DengbaoScore; miping: MipingScore }>;
}): string {
  const d = input.dengbao;
  const m = input.miping;
  const rows = (items: EffectiveItem[], evidenceLinks = input.evidenceLinks) =>
    items
      .map((e) => {
        const v = e.verdict ?? 'pending';
        const links = (evidenceLinks.get(e.item.id) ?? []).map((l) => `<a href="${esc(l.href)}">${esc(l.description)}</a>`).join('<br>');
        return `<tr class="${v}"><td>${esc(e.item.id)}${e.item.provisional ? '<br><span class="muted">编号待核对</span>' : ''}</td><td>${esc(e.item.category)}<br>${esc(e.item.controlPoint)}</td><td>${esc(e.item.zh)}<br><span class="muted">${esc(e.item.en)}</span></td><td>${esc(RESPONSIBILITY_LABELS[e.item.responsibility])}</td><td>${esc(CHECK_KIND_LABELS[e.item.checkKind])}</td><td>${esc(e.verdict ? VERDICT_LABELS[e.verdict] : PENDING_LABEL)}</td><td>${esc(e.summary)}</td><td>${links}</td><td>${e.collectedAt ? esc(e.collectedAt.toISOString()) : ''}</td></tr>`;
      })
      .join('\n');
  const sections = input.catalogues
    .map(
      (c) => `<h2>${esc(c.title)}</h2><table class="items"><thead><tr><th>编号</th><th>安全类/控制点</th><th>释义（yiyun 转述）</th><th>责任方</th><th>核查方式</th><th>结果</th><th>说明</th><th>证据</th><th>采集时间</th></tr></thead><tbody>
${rows(c.items)}
</tbody></table>`,
    )
    .join('\n');
  const tenantSections = (input.tenants ?? [])
    .map(
      (t) => `<h2 id="tenant-${esc(t.tenantId)}">租户：${esc(t.label)}（租户与共同责任项）</h2><p class="muted">等保得分 ${t.dengbao.score.toFixed(2)} · 密评得分 ${t.miping.score.toFixed(2)} · 租户 ID ${esc(t.tenantId)}</p>
${t.catalogues.map((c) => `<h3>${esc(c.title)}</h3><table class="items"><thead><tr><th>编号</th><th>安全类/控制点</th><th>释义（yiyun 转述）</th><th>责任方</th><th>核查方式</th><th>结果</th><th>说明</th><th>证据</th><th>采集时间</th></tr></thead><tbody>
${rows(c.items, t.links)}
</tbody></table>`).join('\n')}`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>yiyun 测评证据包</title><style>${CSS}</style></head>
<body>
<h1>yiyun 测评证据包</h1>
<p class="muted">生成时间 ${esc(input.generatedAt.toISOString())} · yiyun ${esc(input.productVersion)} · 每个文件的 SM3 与 SHA-256 摘要见 <a href="manifest.json">manifest.json</a>（SM2 签名 manifest.sig；用 <code>yiyun evidence verify DIR</code> 校验）</p>
<table><tr><th>等保综合得分</th><th>结论</th><th>密评得分</th><th>密评</th><th>符合</th><th>部分符合</th><th>不符合</th><th>不适用</th><th>待核查</th></tr>
<tr><td>${d.score.toFixed(2)}</td><td>${esc(d.grade)}</td><td>${m.score.toFixed(2)}</td><td>${m.passes ? '通过' : '未通过'}</td><td>${d.counts.pass + m.counts.pass}</td><td>${d.counts.partial + m.counts.partial}</td><td>${d.counts.fail + m.counts.fail}</td><td>${d.counts.na + m.counts.na}</td><td>${d.counts.pending + m.counts.pending}</td></tr></table>
<h2>文件</h2><ul>${input.documents.map((x) => `<li><a href="${esc(x.href)}">${esc(x.title)}</a></li>`).join('')}</ul>
<p><input id="f" placeholder="筛选：编号、控制点、结果…" oninput="for(const r of document.querySelectorAll('table.items tbody tr'))r.style.display=r.textContent.includes(this.value)?'':'none'"></p>
${sections}
${tenantSections}
</body></html>
`;
}
