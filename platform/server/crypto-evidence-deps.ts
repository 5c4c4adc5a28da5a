import { existsSync } from 'node:fs';
import path from 'node:path';
import { allPages } from '../../compliance';
import { systemActor } from '../../core/authz';
import type { CaService } from '../../security/crypto/ca/ca-service';
import type { InventoryService } from '../../security/crypto/inventory/inventory-service';
import type { Keyring } from '../../security/crypto/kms/kms-keyring';
import type { KmsService } from '../../security/crypto/kms/kms-service';
import type { CloudService } from '../cloud';
import { createIdentityDal, mfaRequiredFor, ROLES, secondFactorOf, type AccountRow } from '../identity';
import type { AuthFactorFacts, CryptoEvidenceDeps } from './crypto-evidence';
import type { StorageFacts } from './crypto-storage-evidence';
import { transportFacts } from './crypto-transport-facts';
import type { BaseServices } from './room';
// Called only inside the checks, so the cycle with wire-crypto.ts (which builds these deps) resolves before use.
import { estateFlows, shortZoneOf } from './estate-flows';

/** Counts usable second factors by group of accounts, one per account (pure: tested with rows). */
export function authFactorFacts(rows: readonly AccountRow[], seedSealing: AuthFactorFacts['seedSealing']): AuthFactorFacts {
  const active = rows.filter((a) => a.status === 'active');
  const group = (name: string, xs: readonly AccountRow[]) => ({
    name,
    active: xs.length,
    withTotp: xs.filter((a) => secondFactorOf(a) === 'totp').length,
    withSm3Otp: xs.filter((a) => secondFactorOf(a) === 'sm3_otp').length,
    passwordPbkdf2Sm3: xs.filter((a) => a.password_hash.startsWith('pbkdf2-sm3$')).length,
  });
  return {
    groups: [group('管理员', active.filter((a) => mfaRequiredFor(a.roles))), group('其他用户', active.filter((a) => !mfaRequiredFor(a.roles)))],
    seedSealing,
  };
}

/**
 * The crypto checks' facts, each read from the room that owns it: accounts through identity's DAL, keys through the KMS,
 * disks and volume types through the cloud service (looked up when the check runs: the cloud room is built after this
 * one), channels from the settings, certificates and a handshake.
 */
export function cryptoEvidenceDeps(base: Pick<BaseServices, 'db' | 'audit' | 'settings' | 'rooms'>, crypto: { inventory: InventoryService; kms: KmsService; ca: CaService; keyring: Pick<Keyring, 'kek' | 'zone'> }): CryptoEvidenceDeps {
  const actor = systemActor('compliance');
  const dal = createIdentityDal(base.db);
  return {
    inventory: crypto.inventory,
    audit: base.audit,
    kms: crypto.kms,
    async authFactors() {
      const rows = await allPages(async (offset, limit) => ({ items: (await dal.listAccounts({ offset, limit, sort: 'loginId', order: 'asc' })).rows }), 500);
      // platform/server seals TOTP and token seeds with the local sealer (local-secrets.ts): its key is this file.
      const sealing = existsSync(path.resolve(base.settings.YIYUN_DATA_DIR, 'keys', 'secrets.key')) ? 'local-file' : 'none';
      return authFactorFacts(rows, sealing);
    },
    rolesWith: (permission) => Object.entries(ROLES).filter(([, r]) => r.permissions.includes(permission as never)).map(([role, r]) => ({ role, scope: r.scope })),
    transport: transportFacts({
      settings: base.settings,
      ca: crypto.ca,
      ferryFlows: () => {
        const short = shortZoneOf(base.settings.YIYUN_ZONE);
        return estateFlows().flows.list().filter((f) => f.from === short || f.to === short).map((f) => ({ id: f.id, from: f.from, to: f.to }));
      },
    }),
    async storage(): Promise<StorageFacts> {
      const cloud = base.rooms.get('cloud')?.exports?.cloud as CloudService | undefined;
      if (!cloud) throw new Error('the cloud room is not wired: no volume types or disks to judge');
      const list = (kind: 'disk' | 'snapshot', offset: number, limit = 200) => cloud.list(actor, kind, { offset, limit, sort: 'createdAt', order: 'desc' });
      const [zones, disks, snapshots, keys] = await Promise.all([
        cloud.zones(actor),
        allPages((offset, limit) => list('disk', offset, limit)),
        list('snapshot', 0, 1),
        allPages((offset, limit) => crypto.kms.listDataKeys(actor, { offset, limit })),
      ]);
      return {
        zones: zones.items.map((z) => ({ zone: z.zone, volumeTypes: z.volumeTypes.map((t) => ({ name: t.name, encryption: t.encryption })) })),
        disks: disks.map((d) => ({ id: d.id, tenantId: d.tenantId, zone: d.zone, volumeType: String((d.spec as { volumeType?: string }).volumeType ?? ''), status: d.status })),
        disksWithDataKey: new Set(keys.filter((k) => k.state === 'active' && k.resource.startsWith('disk:')).map((k) => k.resource.slice('disk:'.length))),
        kekSource: crypto.keyring.kek.source,
        snapshots: snapshots.total,
      };
    },
  };
}
