/**
 * Shapes of the compliance API as the console sees them (JSON: timestamps are ISO strings). Mirrored by hand from
 * compliance/compliance-schemas.ts and compliance/compliance-routes.ts (`overviewSchema`): the console shares no
 * code with the server.
 */

/** Where the compliance dashboard lives (a custom route beside the resource's list and show pages). */
export const COMPLIANCE_DASHBOARD_PATH = '/compliance-dashboard';

export const CATALOGUES = ['dengbao-l3', 'miping-l3'] as const;
export type CatalogueId = (typeof CATALOGUES)[number];
export const VERDICTS = ['pass', 'partial', 'fail', 'na'] as const;
export type Verdict = (typeof VERDICTS)[number];
/** The list filter also takes `pending` (items without a verdict, shown as 待核查). */
export const VERDICT_FILTERS = [...VERDICTS, 'pending'] as const;
export const RESPONSIBILITIES = ['provider', 'tenant', 'shared'] as const;
export const CHECK_KINDS = ['automated', 'partial', 'manual', 'na'] as const;
export const RISKS = ['low', 'medium', 'high'] as const;
export type Risk = (typeof RISKS)[number];
export const IMPORTANCES = ['key', 'general', 'minor'] as const;
export const ITEM_STATUSES = ['assessed', 'awaiting-confirmation', 'manual-pending', 'check-pending', 'error'] as const;

/** 安全类 (等保) and 层面/方面 (密评) as the catalogues name them; the filter sends them verbatim. */
export const CATEGORIES: Record<CatalogueId, readonly string[]> = {
  'dengbao-l3': ['安全物理环境', '安全通信网络', '安全区域边界', '安全计算环境', '安全管理中心', '安全管理制度', '安全管理机构', '安全管理人员', '安全建设管理', '安全运维管理'],
  'miping-l3': ['物理和环境安全', '网络和通信安全', '设备和计算安全', '应用和数据安全', '管理制度', '人员管理', '建设运行', '应急处置'],
};

export type AssessedObject = { name: string; d: number; a: number; k: number; note?: string };
export type FileRef = { id: string; name: string; contentType: string; size: number; sha256: string; sm3: string };

export type ComplianceItem = {
  id: string;
  catalogue: CatalogueId;
  provisional: boolean;
  clause: string;
  index: string;
  category: string;
  controlPoint: string;
  part: 'general' | 'cloud';
  domain: 'technical' | 'management';
  zh: string;
  en: string;
  importance: (typeof IMPORTANCES)[number];
  weight: number;
  responsibility: (typeof RESPONSIBILITIES)[number];
  checkKind: (typeof CHECK_KINDS)[number];
  checkReason: string;
  verdict: Verdict | null;
  verdictLabel: string;
  status: (typeof ITEM_STATUSES)[number];
  decidedBy: 'check' | 'manual' | 'catalogue' | null;
  risk: Risk | null;
  summary: string;
  collectedAt: string | null;
  evidenceFiles: number;
};

export type CheckResult = {
  id: string;
  runId: string;
  checkKey: string;
  checkTitle: string;
  checkKind: string;
  room: string;
  status: 'ok' | 'error' | 'timeout' | string;
  verdict: Verdict | null;
  risk: Risk | null;
  summary: string;
  evidence: Record<string, unknown>;
  objects: AssessedObject[] | null;
  collectedAt: string;
  durationMs: number;
  error: string | null;
  files: FileRef[];
};

export type ManualVerdict = {
  id: string;
  verdict: Verdict;
  risk: Risk | null;
  note: string;
  objects: AssessedObject[] | null;
  recordedBy: string;
  recordedAt: string;
  /** `operator`: self-assessment with evidence; `assessor`: the assessor's 测评结论. */
  kind: 'operator' | 'assessor';
  files: FileRef[];
};

export type ComplianceItemDetail = ComplianceItem & {
  expects: string[];
  results: CheckResult[];
  history: CheckResult[];
  manualVerdicts: ManualVerdict[];
};

export type Counts = { pass: number; partial: number; fail: number; na: number; pending: number; total: number };
export type Drag = { itemId: string; verdict: Verdict | null; gain: number };
export type TrendPoint = { at: string; score: number; grade: string | null; passes: boolean };

export type Overview = {
  scope: { tenantId: string | null };
  latestRun: { id: string; startedAt: string; finishedAt: string | null; checks: number; failedChecks: number } | null;
  dengbao: {
    templateId: string;
    score: number;
    grade: string;
    passes: boolean;
    worstOpenRisk: Risk | null;
    counts: Counts;
    categories: Array<{ category: string; domain: string; score: number | null; counts: Counts }>;
    drag: Drag[];
    trend: TrendPoint[];
    /** Conclusion bands of the scoring template (优/良/中), lowest score of each. */
    bands: Array<{ grade: string; minScore: number }>;
  };
  miping: {
    templateId: string;
    score: number;
    passes: boolean;
    highRiskOpen: boolean;
    counts: Counts;
    layers: Array<{ layer: string; weight: number; score: number | null }>;
    drag: Drag[];
    trend: TrendPoint[];
    /** The template's 密评 pass line. */
    passScore: number;
  };
};

export type RunSummary = { runId: string; startedAt: string; finishedAt: string; checks: number; failedChecks: number; dengbaoScore: number; mipingScore: number };

/** The manual-evidence form's body (POST /api/compliance/items/:id/verdicts). */
export type ManualVerdictBody = {
  verdict: Verdict;
  note: string;
  risk?: Risk;
  objects?: AssessedObject[];
  files: Array<{ name: string; contentBase64: string; contentType?: string }>;
};
