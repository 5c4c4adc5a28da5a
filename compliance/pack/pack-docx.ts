import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { findItem } from '../catalogues';
import type { EffectiveItem } from '../compliance-fns';
import type { DengbaoScore, Drag, MipingScore } from '../scoring/scoring-fns';
import type { DengbaoTemplate, MipingTemplate } from '../scoring/scoring-templates';
import { PENDING_LABEL, RISK_LABELS, VERDICT_LABELS } from '../verdict';

const FONT = 'SimSun';

function p(text: string, opts: { bold?: boolean; size?: number } = {}): Paragraph {
  return new Paragraph({ children: [new TextRun({ text, bold: opts.bold, size: opts.size ?? 21, font: FONT })] });
}

function h(text: string, level: 1 | 2): Paragraph {
  return new Paragraph({ heading: level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2, children: [new TextRun({ text, font: FONT, bold: true })] });
}

function table(header: string[], rows: string[][]): Table {
  const cell = (t: string, bold = false) => new TableCell({ children: [p(t, { bold, size: 18 })] });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: header.map((x) => cell(x, true)) }), ...rows.map((r) => new TableRow({ children: r.map((x) => cell(x)) }))],
  });
}

/** What to do about an open finding: the paraphrased requirement and what the evidence showed. */
export function remediation(e: EffectiveItem): string {
  const now = e.summary ? `现状：${e.summary}` : '现状：尚无证据';
  return `整改方向：使「${e.item.controlPoint}」满足——${e.item.zh}。${now}`;
}

/** The DOCX summary report: scores, conclusion, what drags the score, open findings with remediation. */
export async function buildSummaryReport(input: {
  generatedAt: Date;
  productVersion: string;
  dengbao: DengbaoScore & { drag: Drag[] };
  miping: MipingScore & { drag: Drag[] };
  items: EffectiveItem[];
  templates: { dengbao: DengbaoTemplate; miping: MipingTemplate };
}): Promise<Buffer> {
  const d = input.dengbao;
  const m = input.miping;
  const open = input.items.filter((e) => e.verdict === 'fail' || e.verdict === 'partial');
  const pending = input.items.filter((e) => e.verdict === null);
  const children: Array<Paragraph | Table> = [
    new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: 'yiyun 医共体云平台 等保 2.0 第三级与密评 自评估报告', bold: true, size: 32, font: FONT })] }),
    p(`生成时间：${input.generatedAt.toISOString()}    yiyun 版本：${input.productVersion}`),
    p('说明：本报告由 yiyun 根据自动检查与人工核查结果生成，供测评机构参考；条目释义为 yiyun 转述，不是标准原文。标注“编号待核对”的管理类编号尚未与 GB/T 28448-2019 原文核对。'),
    h('一、等级保护测评结论', 1),
    table(
      ['综合得分', '结论', '最高未关闭风险', '符合', '部分符合', '不符合', '不适用', '待核查'],
      [[d.score.toFixed(2), d.grade, d.worstOpenRisk ? RISK_LABELS[d.worstOpenRisk] : '无', ...[d.counts.pass, d.counts.partial, d.counts.fail, d.counts.na, d.counts.pending].map(String)]],
    ),
    p(`评分模板：${input.templates.dengbao.name}。${input.templates.dengbao.source}`),
    h('按安全类', 2),
    table(
      ['安全类', '得分', '符合', '部分符合', '不符合', '不适用', '待核查'],
      d.categories.map((c) => [c.category, c.score === null ? '不适用' : c.score.toFixed(2), ...[c.counts.pass, c.counts.partial, c.counts.fail, c.counts.na, c.counts.pending].map(String)]),
    ),
    h('二、密码应用安全性评估', 1),
    table(['得分', '是否通过', '存在高风险'], [[m.score.toFixed(2), m.passes ? '通过' : '未通过', m.highRiskOpen ? '是' : '否']]),
    table(['层面', '权重', '得分'], m.layers.map((l) => [l.layer, String(l.weight), l.score === null ? '不适用' : l.score.toFixed(2)])),
    p(`评分规则：${input.templates.miping.name}。${input.templates.miping.source}`),
    h('三、对得分影响最大的条目', 1),
    table(
      ['编号', '控制点', '当前结果', '整改后可提升（分）'],
      [...d.drag, ...m.drag].map((x) => {
        const it = findItem(x.itemId);
        return [x.itemId, it?.controlPoint ?? '', x.verdict ? VERDICT_LABELS[x.verdict] : PENDING_LABEL, x.gain.toFixed(2)];
      }),
    ),
    h('四、未关闭的问题与整改建议', 1),
  ];
  if (open.length === 0) children.push(p('无已判定为不符合或部分符合的条目。'));
  else {
    children.push(
      table(
        ['编号', '结果', '风险', '整改建议'],
        open.map((e) => [e.item.id, VERDICT_LABELS[e.verdict!], e.risk ? RISK_LABELS[e.risk] : '', remediation(e)]),
      ),
    );
  }
  children.push(h('五、待核查条目', 1));
  const pendingByCat = new Map<string, number>();
  for (const e of pending) pendingByCat.set(e.item.category, (pendingByCat.get(e.item.category) ?? 0) + 1);
  children.push(
    pending.length === 0
      ? p('所有条目均已有结果。')
      : table(['安全类/层面', '待核查条目数'], [...pendingByCat.entries()].map(([k, v]) => [k, String(v)])),
  );
  const doc = new Document({
    creator: 'yiyun',
    title: 'yiyun 等保与密评自评估报告',
    styles: { default: { document: { run: { font: FONT } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}
