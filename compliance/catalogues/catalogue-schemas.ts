import { z } from 'zod';

/**
 * The shape of a compliance catalogue item. Two catalogues share it: 等保 2.0 level 3 (GB/T 22239-2019, general part
 * and cloud extension, unit ids after GB/T 28448-2019) and 密评 level 3 (GB/T 39786-2021). Items carry our own
 * paraphrase only: the standards' wording is copyrighted and never stored here.
 */

export const CATALOGUE_IDS = ['dengbao-l3', 'miping-l3'] as const;
export const catalogueIdSchema = z.enum(CATALOGUE_IDS);
export type CatalogueId = z.infer<typeof catalogueIdSchema>;

/** Who must satisfy an item on a private cloud operated by yiyun for tenant hospitals. */
export const RESPONSIBILITIES = ['provider', 'tenant', 'shared'] as const;
export const responsibilitySchema = z.enum(RESPONSIBILITIES);
export type Responsibility = z.infer<typeof responsibilitySchema>;
export const RESPONSIBILITY_LABELS: Record<Responsibility, string> = {
  provider: '云服务商',
  tenant: '云服务客户',
  shared: '共同责任',
};

/**
 * How an item gets its verdict:
 * - automated: a registered check decides it from yiyun's own state;
 * - partial: a check supplies part of the evidence, the assessor completes it (devices, documents);
 * - manual: documents, records or the physical site, uploaded through the manual-evidence form;
 * - na: not applicable to this estate (the reason says why); an assessor may still override it.
 */
export const CHECK_KINDS = ['automated', 'partial', 'manual', 'na'] as const;
export const checkKindSchema = z.enum(CHECK_KINDS);
export type CheckKind = z.infer<typeof checkKindSchema>;
export const CHECK_KIND_LABELS: Record<CheckKind, string> = {
  automated: '自动核查',
  partial: '部分自动',
  manual: '人工核查',
  na: '不适用',
};

/** GB/T 28448 importance of an item; the numeric weight per importance lives in the scoring template. */
export const IMPORTANCES = ['key', 'general', 'minor'] as const;
export const importanceSchema = z.enum(IMPORTANCES);
export type Importance = z.infer<typeof importanceSchema>;

export const catalogueItemSchema = z.object({
  catalogue: catalogueIdSchema,
  /** Stable id: GB/T 28448 unit id for 等保 (e.g. L3-CES1-01), our own MP-xx-NN for 密评. */
  id: z.string().regex(/^(L3-[A-Z]{3}\d-\d{2}|MP-[A-Z]{2}-\d{2})$/),
  /** True when the id could not be verified against the standard's text; never drop the flag silently. */
  provisional: z.boolean(),
  standard: z.string().min(1),
  /** Sub-clause of the standard, e.g. 8.1.4.1 (等保) or 8.4 (密评); `index` is the item letter within it. */
  clause: z.string().min(1),
  index: z.string().regex(/^[a-z]$/),
  /** 安全类 (等保) or 层面/方面 (密评). */
  category: z.string().min(1),
  /** 控制点 (等保) or the assessment unit (密评). */
  controlPoint: z.string().min(1),
  part: z.enum(['general', 'cloud']),
  domain: z.enum(['technical', 'management']),
  /** Our paraphrase in Chinese (never the standard's text) and an English gloss. */
  zh: z.string().min(4).max(120),
  en: z.string().min(8).max(200),
  importance: importanceSchema,
  /** Numeric weight used by scoring (等保: from importance; 密评: the 2021 unit weight where known). */
  weight: z.number().positive().max(1),
  /** Where the weight came from and how sure we are. */
  weightSource: z.string().min(1),
  responsibility: responsibilitySchema,
  checkKind: checkKindSchema,
  /** Why this check kind (what the automated check looks at, or why it must be manual / is not applicable). */
  checkReason: z.string().min(2),
  /** Keys of the checks expected to cover the item (see compliance/sources/README.md); advisory only. */
  expects: z.array(z.string()),
  /** 密评 only: 应 / 宜 / 可 at level 3. */
  requirementLevel: z.enum(['应', '宜', '可']).optional(),
});
export type CatalogueItem = z.infer<typeof catalogueItemSchema>;

export type Catalogue = {
  id: CatalogueId;
  /** Bumped whenever an item's data changes; stored with every score so history stays interpretable. */
  version: string;
  standard: string;
  title: string;
  items: readonly CatalogueItem[];
};

/** The annotation we add to a structural skeleton item: [importance, responsibility, kind, reason, zh, en, expects?]. */
export type Annotation = {
  importance: Importance;
  responsibility: Responsibility;
  checkKind: CheckKind;
  checkReason: string;
  zh: string;
  en: string;
  expects?: string[];
};

const IMP = { k: 'key', g: 'general', m: 'minor' } as const;
const RES = { p: 'provider', t: 'tenant', s: 'shared' } as const;
const KIND = { a: 'automated', p: 'partial', m: 'manual', n: 'na' } as const;

/**
 * Compact constructor for annotation tables: `a('k', 'p', 'm', reason, zh, en, ['identity.password-policy'])`.
 * Codes: importance k/g/m, responsibility p(rovider)/t(enant)/s(hared), kind a(utomated)/p(artial)/m(anual)/n(a).
 */
export function a(
  importance: keyof typeof IMP,
  responsibility: keyof typeof RES,
  kind: keyof typeof KIND,
  checkReason: string,
  zh: string,
  en: string,
  expects: string[] = [],
): Annotation {
  return { importance: IMP[importance], responsibility: RES[responsibility], checkKind: KIND[kind], checkReason, zh, en, expects };
}
