import { randomUUID } from 'node:crypto';
import type { Catalogue, CatalogueItem } from '../catalogues';
import type { EffectiveItem } from '../compliance-fns';
import { VERDICT_LABELS } from '../verdict';

/**
 * OSCAL 1.1.2 JSON: one catalog per standard and one assessment-results document. The standards' wording is not
 * ours to publish, so a control's statement carries our paraphrase. 等保 verdicts that OSCAL cannot express
 * (部分符合, 不适用, pending) travel as props in the yiyun namespace next to the nearest OSCAL state.
 */
export const OSCAL_VERSION = '1.1.2';
export const YIYUN_NS = 'https://yiyun.local/ns/oscal';

type Prop = { name: string; value: string; ns?: string; class?: string };

function prop(name: string, value: string, ns = true): Prop {
  return ns ? { name, value, ns: YIYUN_NS } : { name, value };
}

/** OSCAL tokens may not contain spaces or start with a digit; our ids already fit, group ids are built to. */
export function groupId(item: CatalogueItem): string {
  const m = /^L3-([A-Z]{3})\d-/.exec(item.id) ?? /^MP-([A-Z]{2})-/.exec(item.id);
  return `grp-${(m?.[1] ?? 'x').toLowerCase()}`;
}

function metadata(title: string, version: string, now: Date, extra: Prop[] = []) {
  return {
    title,
    'last-modified': now.toISOString(),
    version,
    'oscal-version': OSCAL_VERSION,
    props: extra,
  };
}

/** An OSCAL catalog of one of our catalogues. */
export function oscalCatalog(c: Catalogue, now: Date) {
  const groups = new Map<string, { id: string; title: string; controls: unknown[] }>();
  for (const item of c.items) {
    const gid = groupId(item);
    let g = groups.get(gid);
    if (!g) groups.set(gid, (g = { id: gid, title: item.category, controls: [] }));
    const props: Prop[] = [
      prop('label', item.id, false),
      prop('clause', `${item.clause} ${item.index})`),
      prop('control-point', item.controlPoint),
      prop('part', item.part),
      prop('domain', item.domain),
      prop('importance', item.importance),
      prop('weight', String(item.weight)),
      prop('responsibility', item.responsibility),
      prop('check-kind', item.checkKind),
      prop('provisional-id', String(item.provisional)),
    ];
    if (item.requirementLevel) props.push(prop('requirement-level', item.requirementLevel));
    g.controls.push({
      id: item.id,
      class: 'assessment-unit',
      title: `${item.controlPoint} ${item.index})`,
      props,
      parts: [
        { id: `${item.id}_smt`, name: 'statement', prose: `${item.zh}\n\n${item.en}\n\n(yiyun paraphrase; the standard's text is not reproduced)` },
        { id: `${item.id}_gdn`, name: 'guidance', prose: item.checkReason },
      ],
    });
  }
  return {
    catalog: {
      uuid: randomUUID(),
      metadata: metadata(`${c.title} (${c.standard})`, c.version, now, [prop('catalogue-id', c.id)]),
      groups: [...groups.values()],
    },
  };
}

/** Relative links from an item's observation to the files of the pack. */
export type EvidenceLinks = Map<string, Array<{ href: string; description: string }>>;

/** The OSCAL assessment-results of one snapshot: an observation and a finding per item. */
export function oscalAssessmentResults(
  input: { catalogues: Array<{ catalogue: Catalogue; items: EffectiveItem[] }>; takenAt: Date; scores: Prop[] },
  links: EvidenceLinks,
) {
  const observations: unknown[] = [];
  const findings: unknown[] = [];
  for (const { items } of input.catalogues) {
    for (const e of items) {
      const obsId = randomUUID();
      const verdict = e.verdict ?? 'pending';
      const methods = e.decidedBy === 'check' ? ['TEST'] : e.decidedBy === 'manual' ? ['EXAMINE', 'INTERVIEW'] : ['EXAMINE'];
      observations.push({
        uuid: obsId,
        title: `${e.item.id} ${e.item.controlPoint}`,
        description: e.summary || '—',
        methods,
        types: ['control-objective'],
        collected: (e.collectedAt ?? input.takenAt).toISOString(),
        props: [prop('item-status', e.status), prop('decided-by', e.decidedBy ?? 'none')],
        ...(links.get(e.item.id)?.length ? { 'relevant-evidence': links.get(e.item.id) } : {}),
      });
      const satisfied = verdict === 'pass' || verdict === 'na';
      findings.push({
        uuid: randomUUID(),
        title: `${e.item.id} ${verdict === 'pending' ? '待核查' : VERDICT_LABELS[verdict]}`,
        description: e.summary || '—',
        props: [prop('verdict', verdict), ...(e.risk ? [prop('risk', e.risk)] : [])],
        target: {
          type: 'statement-id',
          'target-id': `${e.item.id}_smt`,
          status: {
            state: satisfied ? 'satisfied' : 'not-satisfied',
            // OSCAL has no 不适用 or 部分符合: reason `other` plus the verdict prop carries them.
            ...(verdict === 'pass' ? { reason: 'pass' } : verdict === 'fail' ? { reason: 'fail' } : { reason: 'other' }),
          },
          props: [prop('verdict', verdict)],
        },
        'related-observations': [{ 'observation-uuid': obsId }],
      });
    }
  }
  // import-ap is required; yiyun publishes no separate assessment-plan, so it points at a back-matter resource that
  // says what the plan is (every item of both catalogues, assessed by the registered checks and manual review) and
  // links the catalogues in this pack.
  const planUuid = randomUUID();
  return {
    'assessment-results': {
      uuid: randomUUID(),
      metadata: metadata('yiyun 等保 2.0 第三级与密评 第三级 评估结果', '1', input.takenAt, input.scores),
      'import-ap': { href: `#${planUuid}` },
      results: [
        {
          uuid: randomUUID(),
          title: '自动检查与人工核查结果',
          description: 'Verdicts of every catalogue item: automated checks registered by the rooms that own the evidence, and manual verdicts recorded by the assessor or the security administrator.',
          start: input.takenAt.toISOString(),
          'reviewed-controls': { 'control-selections': [{ 'include-all': {} }] },
          observations,
          findings,
        },
      ],
      'back-matter': {
        resources: [
          {
            uuid: planUuid,
            title: '评估计划 / Assessment plan (yiyun self-assessment)',
            description:
              'Scope: every item of the catalogues linked below (等保 2.0 level 3 with the cloud extension, 密评 level 3). Method: the automated checks registered by the rooms that own the evidence run at start-up, on a schedule and before an export; manual items are examined by the security administrator (evidence) and concluded by the assessor (测评结论). No separate OSCAL assessment-plan document is published.',
            rlinks: [
              { href: 'catalog-dengbao-l3.json', 'media-type': 'application/oscal.catalog+json' },
              { href: 'catalog-miping-l3.json', 'media-type': 'application/oscal.catalog+json' },
            ],
          },
        ],
      },
    },
  };
}
