import ExcelJS from 'exceljs';
import { CHECK_KIND_LABELS, RESPONSIBILITY_LABELS } from '../catalogues';
import type { EffectiveItem } from '../compliance-fns';
import type { DengbaoScore, MipingScore } from '../scoring/scoring-fns';
import { PENDING_LABEL, RISK_LABELS, VERDICT_LABELS } from '../verdict';

/** The header of the 测评记录 sheets; tests read the workbook back by these names. */
export const RECORD_COLUMNS = [
  { header: '编号', key: 'id', width: 14 },
  { header: '编号状态', key: 'provisional', width: 10 },
  { header: '条款', key: 'clause', width: 12 },
  { header: '安全类/层面', key: 'category', width: 14 },
  { header: '控制点/测评单元', key: 'controlPoint', width: 20 },
  { header: '要求释义（yiyun 转述）', key: 'zh', width: 44 },
  { header: 'English gloss', key: 'en', width: 44 },
  { header: '责任方', key: 'responsibility', width: 10 },
  { header: '核查方式', key: 'checkKind', width: 10 },
  { header: '权重', key: 'weight', width: 6 },
  { header: '结果', key: 'verdict', width: 10 },
  { header: '风险', key: 'risk', width: 6 },
  { header: '结果说明', key: 'summary', width: 50 },
  { header: '证据', key: 'evidence', width: 50 },
  { header: '采集时间', key: 'collectedAt', width: 20 },
] as const;

const FILL: Record<string, string> = { pass: 'FFE2F0D9', partial: 'FFFFF2CC', fail: 'FFF8CBAD', na: 'FFEDEDED', pending: 'FFDDEBF7' };

/** One row per item: the 测评记录 workbook, with a summary sheet in front. */
export async function buildRecordsWorkbook(input: {
  catalogues: Array<{ id: string; title: string; items: EffectiveItem[] }>;
  evidenceRefs: Map<string, string[]>;
  dengbao: DengbaoScore;
  miping: MipingScore;
  generatedAt: Date;
  /** Each tenant's own and shared items with its own evidence: one sheet per tenant. */
  tenants?: Array<{ tenantId: string; label: string; catalogues: Array<{ id: string; items: EffectiveItem[] }>; refs: Map<string, string[]>; dengbao: DengbaoScore; miping: MipingScore }>;
}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'yiyun';
  wb.created = input.generatedAt;

  const sum = wb.addWorksheet('汇总');
  sum.columns = [
    { header: '项目', key: 'k', width: 28 },
    { header: '值', key: 'v', width: 40 },
  ];
  sum.addRows([
    { k: '生成时间', v: input.generatedAt.toISOString() },
    { k: '等保综合得分', v: input.dengbao.score },
    { k: '等保结论', v: input.dengbao.grade },
    { k: '密评得分', v: input.miping.score },
    { k: '密评是否通过', v: input.miping.passes ? '通过' : '未通过' },
    { k: '符合/部分符合/不符合/不适用/待核查', v: `${input.dengbao.counts.pass}/${input.dengbao.counts.partial}/${input.dengbao.counts.fail}/${input.dengbao.counts.na}/${input.dengbao.counts.pending}` },
  ]);
  for (const c of input.dengbao.categories) sum.addRow({ k: `等保 ${c.category}`, v: c.score ?? '不适用' });
  for (const l of input.miping.layers) sum.addRow({ k: `密评 ${l.layer}（权重 ${l.weight}）`, v: l.score ?? '不适用' });
  sum.getRow(1).font = { bold: true };

  for (const t of input.tenants ?? []) sum.addRow({ k: `租户 ${t.label} 等保/密评得分`, v: `${t.dengbao.score} / ${t.miping.score}` });

  for (const c of input.catalogues) {
    const ws = wb.addWorksheet(c.id === 'dengbao-l3' ? '等保测评记录' : '密评测评记录', { views: [{ state: 'frozen', ySplit: 1 }] });
    addRecordRows(ws, c.items, input.evidenceRefs);
  }
  const used = new Set<string>();
  for (const t of input.tenants ?? []) {
    const ws = wb.addWorksheet(tenantSheetName(t.label, t.tenantId, used), { views: [{ state: 'frozen', ySplit: 1 }] });
    addRecordRows(ws, t.catalogues.flatMap((c) => c.items), t.refs);
  }
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}

/** `租户-<name>`, within Excel's 31 characters and without the characters it forbids, unique in the workbook. */
export function tenantSheetName(label: string, tenantId: string, used: Set<string>): string {
  const base = `租户-${label.replace(/[\\/?*:[\]']/g, '_')}`.slice(0, 31);
  const name = used.has(base) ? `租户-${tenantId.slice(0, 8)}` : base;
  used.add(name);
  return name;
}

function addRecordRows(ws: ExcelJS.Worksheet, items: EffectiveItem[], evidenceRefs: Map<string, string[]>): void {
  {
    ws.columns = RECORD_COLUMNS.map((col) => ({ ...col }));
    for (const e of items) {
      const v = e.verdict ?? 'pending';
      const row = ws.addRow({
        id: e.item.id,
        provisional: e.item.provisional ? '待核对' : '已核对',
        clause: `${e.item.clause} ${e.item.index})`,
        category: e.item.category,
        controlPoint: e.item.controlPoint,
        zh: e.item.zh,
        en: e.item.en,
        responsibility: RESPONSIBILITY_LABELS[e.item.responsibility],
        checkKind: CHECK_KIND_LABELS[e.item.checkKind],
        weight: e.item.weight,
        verdict: e.verdict ? VERDICT_LABELS[e.verdict] : PENDING_LABEL,
        risk: e.risk ? RISK_LABELS[e.risk] : '',
        summary: e.summary,
        evidence: (evidenceRefs.get(e.item.id) ?? []).join('\n'),
        collectedAt: e.collectedAt ? e.collectedAt.toISOString() : '',
      });
      row.getCell('verdict').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL[v] ?? 'FFFFFFFF' } };
      row.alignment = { vertical: 'top', wrapText: true };
    }
    ws.getRow(1).font = { bold: true };
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: RECORD_COLUMNS.length } };
  }
}
