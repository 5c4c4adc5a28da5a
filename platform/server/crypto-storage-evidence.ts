import { combineVerdicts, csvFile, type AssessedObject, type CheckDefinition, type CheckResult, type Verdict } from '../../compliance';
import { mipingVerdict, share as shareOf } from './miping-verdict';

/** What storage encryption rests on: the volume types each zone offers, the live disks, their KMS data keys, the KEK. */
export type StorageFacts = {
  zones: Array<{ zone: string; volumeTypes: Array<{ name: string; encryption: string }> }>;
  disks: Array<{ id: string; tenantId: string | null; zone: string; volumeType: string; status: string }>;
  /** Disk ids that have an active data key wrapped under their tenant's master key. */
  disksWithDataKey: ReadonlySet<string>;
  kekSource: 'env' | 'file' | 'generated';
  snapshots: number;
};

const encrypted = (enc: string) => enc !== '' && enc.toLowerCase() !== 'none';
const sm4 = (enc: string) => /^sm4/i.test(enc);
// Nothing to count (no disks, no encrypted types) leaves that property unchallenged here: 1, not 0.
const share = (n: number, of: number) => shareOf(n, of, 1);

/** Judges storage encryption per zone; pure, so a weakened estate can be tested. */
function judgeStorage(f: StorageFacts) {
  const kek = f.kekSource === 'generated' ? 0.5 : 1;
  const perZone = f.zones.map((z) => {
    const types = new Map(z.volumeTypes.map((t) => [t.name, t.encryption]));
    const disks = f.disks.filter((d) => d.zone === z.zone);
    const onEncrypted = disks.filter((d) => encrypted(types.get(d.volumeType) ?? 'none'));
    const onSm4 = onEncrypted.filter((d) => sm4(types.get(d.volumeType)!));
    const keyed = disks.filter((d) => f.disksWithDataKey.has(d.id));
    const clearTypes = z.volumeTypes.filter((t) => !encrypted(t.encryption)).map((t) => t.name);
    const clearDisks = disks.filter((d) => !encrypted(types.get(d.volumeType) ?? 'none')).map((d) => d.id);
    // With no disks yet, what the zone offers decides: every type encrypted (and with SM4) or not.
    const d = disks.length ? share(onEncrypted.length, disks.length) : share(z.volumeTypes.length - clearTypes.length, z.volumeTypes.length);
    const a = disks.length ? share(onSm4.length, onEncrypted.length) : share(z.volumeTypes.filter((t) => sm4(t.encryption)).length, z.volumeTypes.length - clearTypes.length);
    const object: AssessedObject = {
      name: `云硬盘（${z.zone}）`,
      d,
      a: d === 0 ? 0 : a,
      k: d === 0 ? 0 : Math.round(share(keyed.length, disks.length) * kek * 100) / 100,
      note: `卷类型 ${z.volumeTypes.map((t) => `${t.name}:${t.encryption}`).join('、')}；在用云硬盘 ${disks.length}，加密卷类型上 ${onEncrypted.length}，有 KMS 数据密钥 ${keyed.length}`,
    };
    return { zone: z.zone, disks: disks.length, keyed: keyed.length, clearTypes, clearDisks, missingKeys: disks.filter((x) => !f.disksWithDataKey.has(x.id)).map((x) => x.id), object };
  });
  const objects: AssessedObject[] = [{ name: 'KMS 信封加密', d: 1, a: 1, k: kek, note: `SM4-CTR + HMAC-SM3；KEK 来源 ${f.kekSource}` }, ...perZone.map((z) => z.object)];
  const clearDisks = perZone.flatMap((z) => z.clearDisks);
  const clearTypes = perZone.flatMap((z) => z.clearTypes.map((t) => `${z.zone}/${t}`));
  const missingKeys = perZone.flatMap((z) => z.missingKeys);
  const dengbao: Verdict = clearDisks.length ? 'fail' : clearTypes.length || missingKeys.length ? 'partial' : 'pass';
  const miping: Verdict = clearDisks.length ? 'fail' : mipingVerdict(objects);
  // Snapshots live in their volume's pool; images in the image store, whose encryption yiyun cannot see: 部分符合 at best.
  const images: Verdict = clearDisks.length ? 'fail' : 'partial';
  return { perZone, objects, clearDisks, clearTypes, missingKeys, verdicts: { 'L3-CES1-28': dengbao, 'L3-CES2-09': images, 'MP-AD-05': miping } };
}

/** crypto.storage-encryption: volume types encrypted with SM4, each disk's data key in the KMS, the key hierarchy above. */
export function storageEncryptionCheck(deps: { facts(): Promise<StorageFacts> }): CheckDefinition {
  return {
    key: 'crypto.storage-encryption',
    title: '存储加密：SM4 卷加密与 KMS 数据密钥',
    itemIds: ['L3-CES1-28', 'L3-CES2-09', 'MP-AD-05'],
    kind: 'automated',
    async run(): Promise<CheckResult> {
      const f = await deps.facts();
      const j = judgeStorage(f);
      const v = j.verdicts;
      const all = Object.values(v);
      const disks = f.disks.length;
      return {
        verdict: combineVerdicts(all) ?? 'pass',
        summary: `区域 ${f.zones.length} 个，在用云硬盘 ${disks} 块（有 KMS 数据密钥 ${disks - j.missingKeys.length}）；未加密卷类型 ${j.clearTypes.length ? j.clearTypes.join('、') : '无'}`,
        evidence: { zones: f.zones, disks, disksOnClearTypes: j.clearDisks, disksWithoutDataKey: j.missingKeys, kekSource: f.kekSource, snapshots: f.snapshots },
        ...(j.clearDisks.length ? { risk: 'medium' as const } : {}),
        perItem: {
          'L3-CES1-28': {
            verdict: v['L3-CES1-28'],
            summary: j.clearDisks.length
              ? `${j.clearDisks.length} 块云硬盘在未加密卷类型上`
              : j.clearTypes.length || j.missingKeys.length
                ? `仍提供未加密卷类型（${j.clearTypes.join('、') || '无'}）或有云硬盘缺数据密钥（${j.missingKeys.length}）`
                : '全部卷类型 SM4 加密，每块云硬盘有 KMS 托管的数据密钥（删除即密码擦除）',
          },
          'L3-CES2-09': { verdict: v['L3-CES2-09'], summary: `快照 ${f.snapshots} 个存于其云硬盘的加密存储池；镜像库加密不在医云可见范围，由测评现场核实` },
          'MP-AD-05': { verdict: v['MP-AD-05'], summary: j.objects.map((o) => `${o.name} D=${o.d} A=${o.a} K=${o.k}`).join('；'), objects: j.objects },
        },
        files: [csvFile('volume-types.csv', [['zone', 'volume_type', 'encryption'], ...f.zones.flatMap((z) => z.volumeTypes.map((t) => [z.zone, t.name, t.encryption]))])],
      };
    },
  };
}
