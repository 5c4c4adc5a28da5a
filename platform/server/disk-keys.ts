import { allPages } from '../../compliance';
import { systemActor } from '../../core/authz';
import type { DataKeyEraser } from '../cloud/cloud-core';
import type { KmsService } from '../../security/crypto/kms/kms-service';

const ALIAS = 'cloud-disks';
const DISK = 'disk:';

/**
 * The cloud's disk keys on the KMS: one master key per tenant (alias `cloud-disks`), one data key per disk
 * (resource `disk:<id>`). Purging a disk destroys its data key; it becomes a crypto-erase once the volume backend encrypts with that key
 * (not yet: see docs/cloud.md).
 */
export function kmsDiskKeys(kms: Pick<KmsService, 'list' | 'create' | 'createDataKey' | 'listDataKeys' | 'destroyDataKey'>): DataKeyEraser {
  const actor = systemActor('cloud-disk-keys');
  const masterKeys = new Map<string, string>();

  async function masterKeyOf(tenantId: string): Promise<string> {
    const cached = masterKeys.get(tenantId);
    if (cached) return cached;
    const found = (await kms.list(actor, { offset: 0, limit: 50, q: ALIAS, tenantId })).items.find((k) => k.alias === ALIAS && k.state === 'enabled');
    // Rotated yearly so the key's lifetime is bounded (密评 key management); older versions still unwrap old data keys.
    const id = found?.id ?? (await kms.create(actor, { alias: ALIAS, tenantId, origin: 'kms', rotationDays: 365, description: '云硬盘数据密钥的主密钥 (master key of the tenant’s disk data keys)' })).id;
    masterKeys.set(tenantId, id);
    return id;
  }

  return {
    async createDiskKey({ tenantId, diskId }) {
      await kms.createDataKey(actor, { keyId: await masterKeyOf(tenantId), resource: `${DISK}${diskId}`, keySpec: 'SM4_128' });
    },
    async destroyDataKey({ diskId }) {
      const keys = await kms.listDataKeys(actor, { resource: `${DISK}${diskId}`, offset: 0, limit: 50 });
      for (const k of keys.items) await kms.destroyDataKey(actor, k.id);
    },
    async diskKeyStates(diskIds) {
      const wanted = new Set(diskIds);
      const out: Record<string, 'active' | 'destroyed' | 'missing'> = {};
      for (const diskId of wanted) out[diskId] = 'missing';
      if (!wanted.size) return out;
      // One paged scan of the data keys instead of a KMS call per disk.
      const keys = await allPages((offset, limit) => kms.listDataKeys(actor, { offset, limit }), 500);
      for (const k of keys) {
        if (!k.resource.startsWith(DISK)) continue;
        const diskId = k.resource.slice(DISK.length);
        if (!wanted.has(diskId)) continue;
        // One live key is enough to read the disk: it counts as erased only when every key is destroyed.
        if (k.state !== 'destroyed') out[diskId] = 'active';
        else if (out[diskId] === 'missing') out[diskId] = 'destroyed';
      }
      return out;
    },
  };
}
