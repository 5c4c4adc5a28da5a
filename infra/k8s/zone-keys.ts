import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { sm2PublicKeyFromPrivate, sm3Hex } from '../../core/crypto';
import { ZONE_KEYS_SECRET } from './workloads';

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The files of the zone keys Secret, named as the app looks for them under `<data dir>/keys/`:
 * `audit-signing.json` (core/audit/signing-key.ts), `secrets.key` (platform/server/local-secrets.ts) and
 * `kms-kek.key` (YIYUN_KMS_KEK_FILE). Pure: the same random bytes always give the same files, so the
 * Secret does not change between `pulumi up` runs.
 */
export function zoneKeyFiles(stack: string, bytes: { signing: string; sealer: string; kek: string }): Record<string, string> {
  for (const [k, v] of Object.entries(bytes)) {
    if (!HEX64.test(v)) throw new Error(`zone key ${k}: expected 64 lowercase hex digits`);
  }
  // Throws for the ~2^-32 chance that 32 random bytes fall outside [1, n-2]; a new RandomBytes fixes it.
  const publicKey = sm2PublicKeyFromPrivate(bytes.signing);
  const signing = {
    keyId: `audit-signing-${sm3Hex(publicKey).slice(0, 16)}`,
    algorithm: 'SM2',
    privateKey: bytes.signing,
    publicKey,
    // A fixed value, not the time of the run, keeps the Secret stable; the key's birth is in the stack history.
    createdAt: `declared by the Pulumi stack ${stack}`,
  };
  return {
    'audit-signing.json': `${JSON.stringify(signing, null, 2)}\n`,
    'secrets.key': bytes.sealer,
    'kms-kek.key': `${bytes.kek}\n`,
  };
}

/**
 * The zone's key material, shared by every role and replica in the zone: they sign one audit chain,
 * open the same sealed secrets and the same KMS keys. Generated once by `pulumi up` and kept, encrypted,
 * in the stack state; protected, because replacing a RandomBytes would orphan every sealed secret and
 * every KMS key. One copy of the Secret per namespace that runs roles.
 */
export function zoneKeys(zone: string, stack: string, namespaces: readonly string[], opts: (ns: string) => pulumi.CustomResourceOptions, parent: pulumi.Resource): void {
  const bytes = (name: string) => new random.RandomBytes(`${zone}-${name}`, { length: 32 }, { parent, protect: true });
  const signing = bytes('audit-signing-key');
  const sealer = bytes('sealer-key');
  const kek = bytes('kms-kek');
  const files = pulumi.secret(pulumi.all([signing.hex, sealer.hex, kek.hex]).apply(([s, l, k]) => zoneKeyFiles(stack, { signing: s, sealer: l, kek: k })));
  for (const ns of namespaces) {
    new k8s.core.v1.Secret(`${zone}-zone-keys-${ns}`, {
      metadata: { name: ZONE_KEYS_SECRET, namespace: ns, labels: { 'yiyun.io/kind': 'zone-keys' } },
      type: 'Opaque',
      stringData: files,
    }, opts(ns));
  }
}
