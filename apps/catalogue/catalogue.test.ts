import test from 'ava';
import { CATALOGUE, CATALOGUE_INPUT } from './catalogue';
import { INTERNET_ITEMS, appEntrySchema, catalogueSchema } from './catalogue-schema';

test('the catalogue parses: the 15 items once each, unique ids, internet zone only for items 14 and 15', (t) => {
  const parsed = catalogueSchema.safeParse(CATALOGUE_INPUT);
  t.true(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
  t.deepEqual(CATALOGUE.map((e) => e.item).sort((a, b) => a - b), Array.from({ length: 15 }, (_, i) => i + 1));
  t.is(new Set(CATALOGUE.map((e) => e.id)).size, 15);
  t.deepEqual(CATALOGUE.filter((e) => e.zone === 'internet').map((e) => e.item).sort(), [...INTERNET_ITEMS]);
});

test('every system is filed at a 等保 grade with a reason; none above the level-3 platform', (t) => {
  for (const e of CATALOGUE) {
    t.true(e.grade >= 1 && e.grade <= 3, `${e.id} grade ${e.grade}`);
    t.regex(e.gradeReason, new RegExp(`level ${e.grade}`), `${e.id} says why level ${e.grade}`);
  }
  t.is(CATALOGUE.find((e) => e.id === 'his')!.grade, 3);
});

test('open-source images are pinned to a release; vendor entries say so and name what is missing', (t) => {
  for (const e of CATALOGUE) {
    for (const c of e.components) {
      if (c.upstream) t.notRegex(c.upstream.tag, /^latest$/, `${e.id}/${c.name}`);
      t.true(c.runAsUser > 0, `${e.id}/${c.name} runs as non-root`);
    }
    t.is(e.vendorImage, e.components.some((c) => !c.upstream), e.id);
    t.true(e.gaps.length > 20, `${e.id} names its gaps`);
  }
  const oss = CATALOGUE.flatMap((e) => e.components.flatMap((c) => (c.upstream ? [c.upstream.repository] : [])));
  for (const r of ['orthancteam/orthanc', 'hapiproject/hapi', 'quay.io/keycloak/keycloak', 'metabase/metabase', 'dhis2/core', 'kong']) t.true(oss.includes(r), r);
});

const pacs = CATALOGUE_INPUT.find((e) => e.id === 'pacs')!;
test('the schema refuses what would deploy wrongly', (t) => {
  const bad = (patch: object, why: RegExp) => {
    const r = appEntrySchema.safeParse({ ...pacs, ...patch });
    t.false(r.success, `accepted: ${JSON.stringify(patch)}`);
    if (!r.success) t.regex(r.error.issues.map((i) => i.message).join('; '), why);
  };
  bad({ components: [{ ...pacs.components[0]!, upstream: { ...pacs.components[0]!.upstream!, tag: 'latest' } }] }, /never "latest"/);
  bad({ vendorImage: true }, /vendorImage is true/);
  bad({ internetEgress: true }, /only internet-zone/);
  bad({ components: [{ ...pacs.components[0]!, singleton: false }] }, /must be a singleton/);
  bad({ databases: [{ ...pacs.databases![0]!, component: 'viewer' }] }, /no component viewer/);
  bad({ components: [{ ...pacs.components[0]!, runAsUser: 0 }] }, /Too small|greater than/i);
  bad({ grade: 5 }, /less than or equal to 4|Too big/i);
  const { grade: _g, ...ungraded } = pacs;
  t.false(appEntrySchema.safeParse(ungraded).success, 'the grade is required');
  const moved = CATALOGUE_INPUT.map((e) => (e.id === 'his' ? { ...e, zone: 'internet' as const } : e));
  const r = catalogueSchema.safeParse(moved);
  t.false(r.success);
  if (!r.success) t.regex(r.error.issues[0]!.message, /item 2 belongs in the dmz zone/);
  t.false(catalogueSchema.safeParse([...CATALOGUE_INPUT.slice(0, 14), { ...CATALOGUE_INPUT[0]!, item: 15, zone: 'internet' }]).success, 'a repeated id');
});
