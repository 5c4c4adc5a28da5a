import test from 'ava';
import type { CheckResult } from '../../compliance';
import type { ChainVerification } from '../../core/audit';
import type { KeyView } from '../../security/crypto/kms/kms-schemas';
import { cryptoEvidenceSource, type AuthFactorFacts, type CryptoEvidenceDeps } from './crypto-evidence';
import type { StorageFacts } from './crypto-storage-evidence';

const NOW = new Date('2026-11-20T08:00:00Z');
const DAY = 86_400_000;

type World = {
  kek?: 'env' | 'file' | 'generated';
  factors?: AuthFactorFacts;
  verify?: ChainVerification;
  keys?: Partial<KeyView>[];
  tenantKms?: boolean;
  identities?: number;
  storage?: Partial<StorageFacts>;
};

const SM3_ADMINS: AuthFactorFacts = { groups: [{ name: '管理员', active: 3, withTotp: 0, withSm3Otp: 3, passwordPbkdf2Sm3: 3 }], seedSealing: 'kms' };

function key(over: Partial<KeyView>): KeyView {
  return { id: 'k1', zone: 'liangcheng-dmz', tenantId: 't1', alias: 'cloud-disks', description: null, origin: 'kms', state: 'enabled', algorithm: 'SM4', currentVersion: 1, rotationDays: 365, nextRotationAt: new Date(NOW.getTime() + 100 * DAY), deletionAt: null, createdBy: 'x', createdAt: NOW, updatedAt: NOW, versions: [], ...over } as KeyView;
}

function deps(w: World = {}): CryptoEvidenceDeps {
  const kek = w.kek ?? 'file';
  return {
    inventory: {
      inventory: async () =>
        ({
          zone: 'liangcheng-dmz', algorithms: [{ algorithm: 'SM4' }], keyHierarchy: { kek: { id: 'kek-1', source: kek, note: '' }, rootKey: {} }, masterKeys: [],
          authorities: [], certificates: [{ usage: 'signing', status: 'valid', count: 2 }], serviceIdentities: Array.from({ length: w.identities ?? 2 }, (_, i) => ({ zone: 'liangcheng-dmz', name: `svc${i}`, certificateId: 'c' })), ferryFlows: [],
        }) as never,
    },
    audit: { verify: async () => w.verify ?? { ok: true, records: 10, checkpoints: 1, lastSeq: 10 } },
    authFactors: async () => w.factors ?? SM3_ADMINS,
    kms: { list: async () => { const items = (w.keys ?? [{}]).map(key); return { items, total: items.length }; } },
    rolesWith: (p) => (w.tenantKms === false ? [] : [{ role: 'tenant-admin', scope: 'tenant' as const }]).filter(() => p === 'kms.manage' || p === 'kms.use'),
    transport: async () => [],
    storage: async () => ({
      zones: [{ zone: 'liangcheng-dmz', volumeTypes: [{ name: 'ssd-sm4', encryption: 'sm4-xts' }] }],
      disks: [{ id: 'd1', tenantId: 't1', zone: 'liangcheng-dmz', volumeType: 'ssd-sm4', status: 'in-use' }],
      disksWithDataKey: new Set(['d1']),
      kekSource: kek,
      snapshots: 0,
      ...w.storage,
    }),
  };
}

async function run(key: string, w: World = {}): Promise<CheckResult> {
  const check = cryptoEvidenceSource(deps(w)).checks.find((c) => c.key === key)!;
  return (await check.run({ now: NOW, signal: new AbortController().signal })) as CheckResult;
}
const item = (r: CheckResult, id: string) => r.perItem?.[id]?.verdict ?? r.verdict;
const objs = (r: CheckResult, id: string) => r.perItem?.[id]?.objects ?? [];

test('crypto.inventory: an external KEK and SM3 tokens for every account pass MP-AD-01 and MP-AD-07', async (t) => {
  const r = await run('crypto.inventory');
  t.is(item(r, 'MP-AD-01'), 'pass');
  t.deepEqual(objs(r, 'MP-AD-01').map((o) => [o.d, o.a, o.k]), [[1, 1, 1]]);
  t.is(item(r, 'MP-AD-07'), 'pass');
  // Business systems' use of signatures is confirmed by the assessor: never more than 部分符合 from here.
  t.is(item(r, 'MP-AD-08'), 'partial');
});

test('crypto.inventory: D/A/K of MP-AD-01 follow the accounts — TOTP is not 国密, missing factors lower D, a generated KEK lowers K', async (t) => {
  const totp = await run('crypto.inventory', { factors: { groups: [{ name: '管理员', active: 2, withTotp: 2, withSm3Otp: 0, passwordPbkdf2Sm3: 2 }], seedSealing: 'local-file' } });
  t.is(item(totp, 'MP-AD-01'), 'partial');
  t.deepEqual(objs(totp, 'MP-AD-01').map((o) => [o.d, o.a, o.k]), [[1, 0, 0.5]]);
  const half = await run('crypto.inventory', { factors: { groups: [{ name: '管理员', active: 2, withTotp: 0, withSm3Otp: 1, passwordPbkdf2Sm3: 2 }, { name: '其他用户', active: 4, withTotp: 0, withSm3Otp: 0, passwordPbkdf2Sm3: 4 }], seedSealing: 'kms' } });
  t.deepEqual(objs(half, 'MP-AD-01').map((o) => o.d), [0.5, 0]);
  t.is(item(half, 'MP-AD-01'), 'fail');
  const generated = await run('crypto.inventory', { kek: 'generated' });
  t.is(item(generated, 'MP-AD-07'), 'partial');
  t.is(objs(generated, 'MP-AD-07')[0]!.k, 0.5);
  t.is(item(await run('crypto.inventory', { identities: 0 }), 'MP-AD-08'), 'fail');
});

test('crypto.log-integrity: an intact signed chain passes; a break fails with high risk; no checkpoint lowers K', async (t) => {
  const ok = await run('crypto.log-integrity');
  t.is(ok.verdict, 'pass');
  t.is(item(ok, 'L3-CES1-26'), 'partial'); // business data's integrity is the assessor's to confirm
  t.is(item(await run('crypto.log-integrity', { verify: { ok: false, records: 9, checkpoints: 1, lastSeq: 4, firstBad: { seq: 5, reason: 'x' } } }), 'L3-CES1-26'), 'fail');
  const broken = await run('crypto.log-integrity', { verify: { ok: false, records: 9, checkpoints: 1, lastSeq: 4, firstBad: { seq: 5, reason: 'hash mismatch' } } });
  t.is(broken.verdict, 'fail');
  t.is(broken.risk, 'high');
  t.is(broken.objects![0]!.d, 0);
  const unsigned = await run('crypto.log-integrity', { verify: { ok: true, records: 9, checkpoints: 0, lastSeq: 9 } });
  t.is(unsigned.verdict, 'partial');
  t.is(unsigned.objects![0]!.k, 0.5);
});

test('crypto.kms: rotated keys under an external KEK pass; missing rotation is 部分符合, overdue rotation and no tenant key management fail', async (t) => {
  const ok = await run('crypto.kms');
  t.deepEqual([item(ok, 'L3-CES2-13'), item(ok, 'MP-CO-02')], ['pass', 'pass']);
  const unrotated = await run('crypto.kms', { keys: [{}, { id: 'k2', rotationDays: null }] });
  t.is(item(unrotated, 'MP-CO-02'), 'partial');
  t.is(objs(unrotated, 'MP-CO-02')[1]!.d, 0.5);
  t.is(item(await run('crypto.kms', { kek: 'generated' }), 'MP-CO-02'), 'partial');
  const overdue = await run('crypto.kms', { keys: [{ nextRotationAt: new Date(NOW.getTime() - 3 * DAY) }] });
  t.is(item(overdue, 'MP-CO-02'), 'fail');
  t.is(overdue.risk, 'medium');
  // Imported (BYOK) keys rotate by new imports: they are not counted as unrotated.
  t.is(item(await run('crypto.kms', { keys: [{}, { id: 'k3', origin: 'external', rotationDays: null, nextRotationAt: null }] }), 'MP-CO-02'), 'pass');
  t.is(item(await run('crypto.kms', { tenantKms: false }), 'L3-CES2-13'), 'fail');
});

test('crypto.storage-encryption: SM4 volumes with KMS data keys pass; a disk on a clear type fails; a missing data key is 部分符合', async (t) => {
  const ok = await run('crypto.storage-encryption');
  t.deepEqual([item(ok, 'L3-CES1-28'), item(ok, 'MP-AD-05')], ['pass', 'pass']);
  t.is(item(ok, 'L3-CES2-09'), 'partial'); // the image store is not visible to yiyun
  const clear = await run('crypto.storage-encryption', {
    storage: {
      zones: [{ zone: 'liangcheng-dmz', volumeTypes: [{ name: 'ssd-sm4', encryption: 'sm4-xts' }, { name: 'hdd-plain', encryption: 'none' }] }],
      disks: [{ id: 'd1', tenantId: 't1', zone: 'liangcheng-dmz', volumeType: 'ssd-sm4', status: 'in-use' }, { id: 'd2', tenantId: 't1', zone: 'liangcheng-dmz', volumeType: 'hdd-plain', status: 'available' }],
      disksWithDataKey: new Set(['d1', 'd2']),
    },
  });
  t.is(item(clear, 'L3-CES1-28'), 'fail');
  t.is(item(clear, 'L3-CES2-09'), 'fail');
  // Half the disks in clear: D = 0.5, and data at rest unencrypted is 不符合 in both schemes.
  t.is(item(clear, 'MP-AD-05'), 'fail');
  t.is(objs(clear, 'MP-AD-05')[1]!.d, 0.5);
  t.deepEqual(clear.evidence.disksOnClearTypes, ['d2']);
  const keyless = await run('crypto.storage-encryption', { storage: { disksWithDataKey: new Set() } });
  t.is(item(keyless, 'L3-CES1-28'), 'partial');
  t.is(objs(keyless, 'MP-AD-05')[1]!.k, 0);
  // AES instead of SM4: encrypted (等保) but not 国密 (密评 A = 0).
  const aes = await run('crypto.storage-encryption', { storage: { zones: [{ zone: 'liangcheng-dmz', volumeTypes: [{ name: 'ssd-aes', encryption: 'aes-xts' }] }], disks: [{ id: 'd1', tenantId: 't1', zone: 'liangcheng-dmz', volumeType: 'ssd-aes', status: 'in-use' }] } });
  t.is(item(aes, 'L3-CES1-28'), 'pass');
  t.is(item(aes, 'MP-AD-05'), 'partial');
  t.is(objs(aes, 'MP-AD-05')[1]!.a, 0);
});
