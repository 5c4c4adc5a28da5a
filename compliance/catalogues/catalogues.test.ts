import test from 'ava';
import { allCatalogues, findItem, getCatalogue, MIPING_LAYER_WEIGHTS_2021 } from './index';

function countBy<T>(xs: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}

test('等保 level 3: 211 general (96 technical, 115 management) and 46 cloud items', (t) => {
  const c = getCatalogue('dengbao-l3');
  t.is(c.items.length, 257);
  const general = c.items.filter((i) => i.part === 'general');
  const cloud = c.items.filter((i) => i.part === 'cloud');
  t.is(general.length, 211);
  t.is(cloud.length, 46);
  t.deepEqual(countBy(general, (i) => i.domain), { technical: 96, management: 115 });
  t.deepEqual(countBy(cloud, (i) => i.domain), { technical: 37, management: 9 });
  t.deepEqual(countBy(general, (i) => i.category), {
    安全物理环境: 22, 安全通信网络: 8, 安全区域边界: 20, 安全计算环境: 34, 安全管理中心: 12,
    安全管理制度: 7, 安全管理机构: 14, 安全管理人员: 12, 安全建设管理: 34, 安全运维管理: 48,
  });
  t.deepEqual(countBy(cloud, (i) => i.category), {
    安全物理环境: 1, 安全通信网络: 5, 安全区域边界: 8, 安全计算环境: 19, 安全管理中心: 4, 安全建设管理: 8, 安全运维管理: 1,
  });
  t.is(new Set(general.map((i) => i.clause)).size, 71, '71 general control points');
  t.is(new Set(cloud.map((i) => i.clause)).size, 16, '16 cloud control points');
});

test('密评 level 3: 41 units (22 technical, 19 management) with the 2021 layer weights', (t) => {
  const c = getCatalogue('miping-l3');
  t.is(c.items.length, 41);
  t.deepEqual(countBy(c.items, (i) => i.domain), { technical: 22, management: 19 });
  t.deepEqual(countBy(c.items, (i) => i.category), {
    物理和环境安全: 3, 网络和通信安全: 5, 设备和计算安全: 6, 应用和数据安全: 8, 管理制度: 6, 人员管理: 5, 建设运行: 5, 应急处置: 3,
  });
  t.deepEqual(countBy(c.items, (i) => i.requirementLevel ?? '-'), { 应: 26, 宜: 14, 可: 1 });
  t.is(Object.values(MIPING_LAYER_WEIGHTS_2021).reduce((a, b) => a + b, 0), 100);
});

test('ids are unique across both catalogues; (clause, index) is unique per catalogue', (t) => {
  const all = allCatalogues().flatMap((c) => c.items);
  t.is(new Set(all.map((i) => i.id)).size, all.length);
  for (const c of allCatalogues()) {
    t.is(new Set(c.items.map((i) => `${i.part}:${i.clause}:${i.index}`)).size, c.items.length);
  }
  t.is(findItem('L3-CES1-16'), undefined, 'L3-CES1-16 does not exist in GB/T 28448');
  t.truthy(findItem('L3-CES1-17'));
});

test('every item has a paraphrase, gloss, weight, responsibility, check kind and reason', (t) => {
  for (const i of allCatalogues().flatMap((c) => c.items)) {
    t.true(/[\u4e00-\u9fff]/.test(i.zh), `${i.id} zh is Chinese`);
    t.true(/^[A-Z]/.test(i.en), `${i.id} en gloss`);
    t.true(i.weight > 0 && i.weight <= 1, `${i.id} weight`);
    t.truthy(i.responsibility);
    t.truthy(i.checkKind);
    t.true(i.checkReason.length > 2, `${i.id} reason`);
    if (i.checkKind === 'automated' || i.checkKind === 'partial') t.true(i.expects.length > 0, `${i.id} names the checks expected to cover it`);
  }
});

test('provisional ids stay marked: exactly the 124 management units of 等保', (t) => {
  const prov = getCatalogue('dengbao-l3').items.filter((i) => i.provisional);
  t.is(prov.length, 124);
  t.true(prov.every((i) => i.domain === 'management'));
  t.false(getCatalogue('miping-l3').items.some((i) => i.provisional));
});

test('the cloud extension splits duties: customer-side items are the tenant\'s', (t) => {
  for (const id of ['L3-CES2-14', 'L3-CMS2-01', 'L3-CMS2-05']) t.is(findItem(id)?.responsibility, 'tenant', id);
  for (const id of ['L3-CNS2-02', 'L3-CES2-16', 'L3-MMS2-01']) t.is(findItem(id)?.responsibility, 'provider', id);
});

test('paraphrases are short and distinct (never a pasted standard sentence)', (t) => {
  const all = allCatalogues().flatMap((c) => c.items);
  for (const i of all) t.true(i.zh.length <= 60, `${i.id} paraphrase is short`);
  const dup = countBy(all.filter((i) => i.catalogue === 'dengbao-l3' && i.part === 'general'), (i) => i.zh);
  // The boundary and computing 安全审计 items legitimately say the same thing for different places.
  t.true(Object.values(dup).every((n) => n <= 2));
});
