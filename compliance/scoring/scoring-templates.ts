import type { Importance } from '../catalogues';
import type { Risk, Verdict } from '../verdict';

/**
 * Scoring templates as data: the 测评报告 template and the 密评 quantitative rules change between years, so every
 * number the engine uses lives here, and each stored score names the template it used. See docs/compliance.md for
 * the formulas and how sure we are of each number.
 */

export type ConclusionBand = {
  /** 优 / 良 / 中 / 差 */
  grade: string;
  /** Minimum overall score (inclusive). */
  minScore: number;
  /** The worst open finding still allowed in this band. */
  maxOpenRisk: Risk;
  /** Whether this conclusion counts as passing for the dashboard (良 and better). */
  passes: boolean;
};

export type DengbaoTemplate = {
  id: string;
  name: string;
  source: string;
  /** Score of an item per verdict: 符合 1, 部分符合 = the partial factor, 不符合 0 (不适用 is excluded). */
  verdictScore: Record<Exclude<Verdict, 'na'>, number>;
  importanceWeights: Record<Importance, number>;
  /** Relative weight of each 安全类 in the overall score (missing = 1). */
  categoryWeights: Record<string, number>;
  /** An item without any verdict yet: counted as 不符合 (`fail`) or left out (`exclude`). */
  pending: 'fail' | 'exclude';
  /** Risk assumed for an open finding that carries none, per importance. Never `high`. */
  defaultRisk: Record<Importance, Risk>;
  bands: ConclusionBand[];
};

export const DENGBAO_TEMPLATE_2021: DengbaoTemplate = {
  id: 'dengbao-2021',
  name: '等级测评报告模板（2021 版）结构，yiyun 加权模型',
  source:
    'Aggregation levels (测评项 → 控制点 → 安全类 → 整体) and the 部分符合 = 0.5 convention after GB/T 28448-2019 ' +
    'and the 2021 测评报告 template; conclusion bands 优 ≥ 90 / 良 ≥ 80 / 中 ≥ 70 / 差, with 良 and above requiring no ' +
    'high-risk finding and 优 no medium one. The template\'s exact 综合得分 coefficients were not available offline.',
  verdictScore: { pass: 1, partial: 0.5, fail: 0 },
  importanceWeights: { key: 1.0, general: 0.5, minor: 0.2 },
  categoryWeights: {},
  pending: 'fail',
  defaultRisk: { key: 'medium', general: 'low', minor: 'low' },
  bands: [
    { grade: '优', minScore: 90, maxOpenRisk: 'low', passes: true },
    { grade: '良', minScore: 80, maxOpenRisk: 'medium', passes: true },
    { grade: '中', minScore: 70, maxOpenRisk: 'medium', passes: false },
    { grade: '差', minScore: 0, maxOpenRisk: 'high', passes: false },
  ],
};

export type MipingLayer = {
  name: string;
  /** Points of 100 this layer carries. */
  weight: number;
  /** The catalogue categories (层面/方面) that make up this layer. */
  categories: string[];
};

export type MipingTemplate = {
  id: string;
  name: string;
  source: string;
  layers: MipingLayer[];
  /**
   * How one assessed object's D, A, K combine: `product` S = D·A·K; `d-mean-ak` S = D·(A+K)/2.
   * Units without objects use `verdictScore` of their verdict.
   */
  objectFormula: 'product' | 'd-mean-ak';
  verdictScore: Record<Exclude<Verdict, 'na'>, number>;
  pending: 'fail' | 'exclude';
  /** Overall score from which the system counts as passing (with no high-risk finding open). */
  passScore: number;
};

export const MIPING_TEMPLATE_2021: MipingTemplate = {
  id: 'miping-2021',
  name: '商用密码应用安全性评估量化评估规则（2021 版）',
  source:
    'Layer weights 10/20/10/30 and management 30, unit weights at level 3 from the 2021 rules (as recorded in ' +
    'shared/catalogues); object score D·A·K and the pass line of 60 as yiyun understands the 2021 rules — confirm.',
  layers: [
    { name: '物理和环境安全', weight: 10, categories: ['物理和环境安全'] },
    { name: '网络和通信安全', weight: 20, categories: ['网络和通信安全'] },
    { name: '设备和计算安全', weight: 10, categories: ['设备和计算安全'] },
    { name: '应用和数据安全', weight: 30, categories: ['应用和数据安全'] },
    { name: '管理', weight: 30, categories: ['管理制度', '人员管理', '建设运行', '应急处置'] },
  ],
  objectFormula: 'product',
  verdictScore: { pass: 1, partial: 0.5, fail: 0 },
  pending: 'fail',
  passScore: 60,
};

export const TEMPLATES = {
  dengbao: { [DENGBAO_TEMPLATE_2021.id]: DENGBAO_TEMPLATE_2021 } as Record<string, DengbaoTemplate>,
  miping: { [MIPING_TEMPLATE_2021.id]: MIPING_TEMPLATE_2021 } as Record<string, MipingTemplate>,
};
