import * as openstack from '@pulumi/openstack';
import * as pulumi from '@pulumi/pulumi';
import type { EstateConfig } from '../config/config-schema';

export interface StorageArgs {
  readonly zone: string;
  readonly backends: EstateConfig['storage']['backends'];
  readonly containers: EstateConfig['objectStorage'];
  readonly logRetentionDays: number;
}

/** Volume type name: the media and the cipher, so a tenant sees the encryption it chooses. */
export const volumeTypeName = (b: { media: string; encryption: string }): string =>
  `${b.media}-${b.encryption.split('-')[0]!.toLowerCase()}`;

/**
 * Block and object storage of a zone. Every volume type selects an encrypting backend pool and says
 * so in its extra specs (cipher, replica count); object containers keep versions and carry quotas.
 * The Cinder encryption-type API is not in the OpenStack provider: the backend pools encrypt at rest
 * and the extra specs are what the scheduler and the policies check (see docs/infra.md).
 */
export class Storage extends pulumi.ComponentResource {
  readonly volumeTypes = new Map<string, openstack.blockstorage.VolumeTypeV3>();
  readonly containers: openstack.objectstorage.Container[] = [];
  /** the volume type data disks use by default (first SSD backend, else the first) */
  readonly defaultVolumeType: string;

  constructor(name: string, args: StorageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('yiyun:storage:Storage', name, {}, opts);
    const parent = { parent: this };
    const z = args.zone;
    for (const b of args.backends) {
      const typeName = volumeTypeName(b);
      this.volumeTypes.set(typeName, new openstack.blockstorage.VolumeTypeV3(`${z}-voltype-${typeName}`, {
        name: typeName,
        description: `${b.media.toUpperCase()}, encrypted at rest with ${b.encryption.toUpperCase()}, ${b.replicas} replicas`,
        isPublic: true,
        extraSpecs: {
          volume_backend_name: b.name,
          'yiyun:encryption': b.encryption,
          'yiyun:replicas': String(b.replicas),
          'yiyun:usable-tb': String(b.usableTb),
        },
      }, parent));
    }
    const first = args.backends.find((b) => b.media === 'ssd') ?? args.backends[0]!;
    this.defaultVolumeType = volumeTypeName(first);
    for (const c of args.containers) {
      const quotaBytes = BigInt(Math.round(c.quotaTb * 1e6)) * 1_000_000n;
      this.containers.push(new openstack.objectstorage.Container(`${z}-bucket-${c.name}`, {
        name: `${z}-${c.name}`,
        versioning: c.versioning,
        metadata: {
          'yiyun-kind': c.purpose,
          'Quota-Bytes': quotaBytes.toString(),
          ...(c.purpose === 'log-archive' ? { 'retention-days': String(c.retentionDays ?? args.logRetentionDays) } : {}),
          ...(c.retentionDays ? { 'retention-days': String(c.retentionDays) } : {}),
        },
      }, parent));
    }
    this.registerOutputs({ volumeTypes: [...this.volumeTypes.keys()] });
  }
}
