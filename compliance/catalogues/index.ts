import dengbaoStructure from './dengbao-l3-structure.json';
import mipingStructure from './miping-l3-structure.json';
import { DENGBAO_TECHNICAL } from './dengbao-l3-technical';
import { DENGBAO_MANAGEMENT } from './dengbao-l3-management';
import { DENGBAO_CLOUD } from './dengbao-l3-cloud';
import { MIPING_ANNOTATIONS } from './miping-l3-annotations';
import {
  catalogueItemSchema,
  type Annotation,
  type Catalogue,
  type CatalogueId,
  type CatalogueItem,
  type Importance,
} from './catalogue-schemas';

export * from './catalogue-schemas';

/**
 * Catalogue versions. Bump when any item's data (paraphrase, weight, responsibility, kind) changes: every stored
 * score records the version it was computed against.
 */
export const DENGBAO_VERSION = '2019.1.0';
export const MIPING_VERSION = '2021.1.0';

/** GB/T 28448 importance → weight (重要 1.0, 一般 0.5, 次要 0.2). The scoring template may override it. */
export const DEFAULT_IMPORTANCE_WEIGHTS: Record<Importance, number> = { key: 1.0, general: 0.5, minor: 0.2 };

export class CatalogueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogueError';
  }
}

function annotationFor(table: Record<string, Annotation>, id: string): Annotation {
  const ann = table[id];
  if (!ann) throw new CatalogueError(`catalogue item ${id} has no annotation (paraphrase, weight, responsibility, kind)`);
  return ann;
}

function buildDengbao(): Catalogue {
  const tables = { ...DENGBAO_TECHNICAL, ...DENGBAO_MANAGEMENT, ...DENGBAO_CLOUD };
  const known = new Set(dengbaoStructure.items.map((i) => i.id));
  for (const id of Object.keys(tables)) {
    if (!known.has(id)) throw new CatalogueError(`annotation ${id} matches no item of the 等保 structure`);
  }
  const items = dengbaoStructure.items.map((s) => {
    const ann = annotationFor(tables, s.id);
    const item: CatalogueItem = {
      catalogue: 'dengbao-l3',
      id: s.id,
      provisional: s.provisional,
      standard: 'GB/T 22239-2019',
      clause: s.clause,
      index: s.index,
      category: s.category,
      controlPoint: s.controlPoint,
      part: s.part as CatalogueItem['part'],
      domain: s.domain as CatalogueItem['domain'],
      zh: ann.zh,
      en: ann.en,
      importance: ann.importance,
      weight: DEFAULT_IMPORTANCE_WEIGHTS[ann.importance],
      weightSource: 'GB/T 28448 importance (重要/一般/次要) as judged by yiyun; confirm with the assessor',
      responsibility: ann.responsibility,
      checkKind: ann.checkKind,
      checkReason: ann.checkReason,
      expects: ann.expects ?? [],
    };
    return catalogueItemSchema.parse(item);
  });
  return {
    id: 'dengbao-l3',
    version: DENGBAO_VERSION,
    standard: 'GB/T 22239-2019 / GB/T 28448-2019',
    title: '网络安全等级保护 第三级（安全通用要求 + 云计算安全扩展要求）',
    items,
  };
}

function buildMiping(): Catalogue {
  const known = new Set(mipingStructure.items.map((i) => i.id));
  for (const id of Object.keys(MIPING_ANNOTATIONS)) {
    if (!known.has(id)) throw new CatalogueError(`annotation ${id} matches no item of the 密评 structure`);
  }
  const items = mipingStructure.items.map((s) => {
    const ann = annotationFor(MIPING_ANNOTATIONS, s.id);
    // "8.4 e)" → clause 8.4, index e
    const m = /^(\d+\.\d+) ([a-z])\)$/.exec(s.clause);
    if (!m) throw new CatalogueError(`密评 unit ${s.id} has an unreadable clause ${s.clause}`);
    const item: CatalogueItem = {
      catalogue: 'miping-l3',
      id: s.id,
      provisional: false,
      standard: 'GB/T 39786-2021',
      clause: m[1]!,
      index: m[2]!,
      category: s.layer,
      controlPoint: s.unit,
      part: 'general',
      domain: s.domain as CatalogueItem['domain'],
      zh: ann.zh,
      en: ann.en,
      importance: ann.importance,
      weight: s.weight ?? 1.0,
      weightSource:
        s.weight === null
          ? 'no public source gives the 2021 management unit weight: 1.0 assumed'
          : '商用密码应用安全性评估量化评估规则 (2021), level-3 unit weight',
      responsibility: ann.responsibility,
      checkKind: ann.checkKind,
      checkReason: ann.checkReason,
      expects: ann.expects ?? [],
      requirementLevel: s.requirementLevel as '应' | '宜' | '可',
    };
    return catalogueItemSchema.parse(item);
  });
  return {
    id: 'miping-l3',
    version: MIPING_VERSION,
    standard: 'GB/T 39786-2021',
    title: '信息系统密码应用基本要求 第三级',
    items,
  };
}

const cache = new Map<CatalogueId, Catalogue>();

/** The catalogue, built and validated once per process. */
export function getCatalogue(id: CatalogueId): Catalogue {
  let c = cache.get(id);
  if (!c) {
    c = id === 'dengbao-l3' ? buildDengbao() : buildMiping();
    cache.set(id, c);
  }
  return c;
}

/** Both catalogues. */
export function allCatalogues(): Catalogue[] {
  return [getCatalogue('dengbao-l3'), getCatalogue('miping-l3')];
}

/** An item by id across both catalogues, or undefined. */
export function findItem(itemId: string): CatalogueItem | undefined {
  for (const c of allCatalogues()) {
    const it = c.items.find((i) => i.id === itemId);
    if (it) return it;
  }
  return undefined;
}

/** The 密评 layer weights (2021 rules) as recorded in the structure file. */
export const MIPING_LAYER_WEIGHTS_2021: Readonly<Record<string, number>> = mipingStructure.layerWeights2021;
