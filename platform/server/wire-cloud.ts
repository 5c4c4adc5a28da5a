import path from 'node:path';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { readEstateConfig } from '../../infra/config/load-config';
import { defaultPolicyContext, type ZoneAddress } from '../../policies';
import { systemActor } from '../../core/authz';
import { cloudModule, cloudRoutes, createCloudService, type DataKeyEraser } from '../cloud';
import { cloudEvidenceSource } from '../cloud/cloud-evidence';
import { tenantsEvidenceSource } from '../tenants/tenants-evidence';
import { createCloudDal } from '../cloud/cloud-dal';
import type { CloudDriver, RegionSeed } from '../cloud/driver/cloud-driver';
import { createEmbeddedDriver, embeddedModule } from '../cloud/driver/embedded/embedded-driver';
import { createOpenStackDriver } from '../cloud/driver/openstack/openstack-driver';
import { demoSeed, seedFromConfig, seedFromPlan } from '../cloud/region-seed';
import { checkZoneBackend, zoneBackendOf } from '../cloud/zone-backend';
import { loadZonesConfig, type ZoneConfig } from '../cloud/zones-config';
import type { RoomWiring } from './room';

const REPO = path.resolve(__dirname, '../..');
type ZoneId = 'liangcheng-dmz' | 'liangcheng-internet';

/** Where a zone's first bootstrap takes its region from (one function to swap). */
async function regionSeed(zone: ZoneId, how: 'config' | 'plan' | 'demo'): Promise<RegionSeed> {
  if (how === 'demo') return demoSeed(zone);
  if (how === 'plan') {
    // Loaded only for this seed mode: the Pulumi program's modules cost seconds at start-up.
    const { planStack } = require('../../infra/plan/plan') as typeof import('../../infra/plan/plan');
    return seedFromPlan(await planStack(zone, { cwd: REPO }));
  }
  return seedFromConfig({ ...readEstateConfig(REPO, zone), stack: zone });
}

/** The stored seed of an embedded region, or a fresh one written now (first start). */
async function embeddedDriver(db: Kysely<any>, zone: ZoneId, cfg: Extract<ZoneConfig, { driver: 'embedded' }>): Promise<CloudDriver> {
  const stored = await sql<{ seed: RegionSeed }>`select seed from cloud_embedded.regions where zone = ${zone}`.execute(db);
  const seed = stored.rows[0]?.seed ?? (await regionSeed(zone, cfg.seed));
  const driver = createEmbeddedDriver({ db, seed, timings: cfg.timings });
  if (!stored.rows[0]) await driver.bootstrap();
  return driver;
}

/** The tenant cloud: both zones, each with its own driver (embedded by default, OpenStack per YIYUN_ZONES). */
export const cloudWiring: RoomWiring = {
  name: 'cloud',
  modules: [cloudModule(), embeddedModule()],
  async build(base) {
    const conf = loadZonesConfig(base.settings.YIYUN_ZONES);
    const drivers = new Map<string, CloudDriver>();
    const zones: Record<string, ZoneAddress> = {};
    const policyZones = new Map<string, string>();
    for (const zone of ['liangcheng-dmz', 'liangcheng-internet'] as const) {
      const zc = conf.zones[zone];
      const short = zone.replace(/^liangcheng-/, '');
      policyZones.set(zone, short);
      // Before any driver touches the zone: its rows must be on the backend it is configured for now.
      await checkZoneBackend(base.db, base.audit, zone, zoneBackendOf(zc));
      if (zc.driver === 'embedded') {
        const driver = await embeddedDriver(base.db, zone, zc);
        drivers.set(zone, driver);
        const view = await driver.describe();
        zones[short] = { ipv4: view.addressSpace.ipv4, ipv6: view.addressSpace.ipv6, externalNetworks: view.externalNetworks.map((n) => n.name), gatekeeperInterfaces: [] };
      } else {
        // The region is real: its address plan for the admission rules comes from the stack config (no network call at start).
        const estate = readEstateConfig(REPO, zone);
        const space = estate.addressPlan[estate.zone] ?? { ipv4: [], ipv6: [] };
        // project-per-tenant looks a tenant's project up by the tenant's code
        const tenantCode = async (id: string) => (await base.tenants.directory([id]))[0]?.code ?? null;
        drivers.set(zone, createOpenStackDriver({ zone, config: zc, logger: base.logger, addressSpace: { ipv4: space.ipv4, ipv6: space.ipv6 }, tenantCode }));
        zones[short] = { ipv4: space.ipv4, ipv6: space.ipv6, externalNetworks: zc.externalNetwork ? [zc.externalNetwork] : [], gatekeeperInterfaces: [] };
      }
    }
    const eraser = [...base.rooms.values()].map((r) => r.exports?.dataKeyEraser).find((e): e is DataKeyEraser => !!e && typeof (e as DataKeyEraser).destroyDataKey === 'function');
    const cloud = createCloudService({
      db: base.db,
      dal: createCloudDal(base.db),
      audit: base.audit,
      tenants: base.tenants,
      drivers,
      policyContext: defaultPolicyContext({ zones }),
      policyZones,
      recycleDays: conf.recycleDays,
      eraser,
      logger: base.logger,
    });
    const timers: NodeJS.Timeout[] = [];
    const every = (ms: number, what: string, fn: () => Promise<unknown>) => {
      let running = false;
      const t = setInterval(() => {
        if (running) return;
        running = true;
        fn()
          .catch((err: unknown) => base.logger.error({ err }, `cloud job ${what} failed`))
          .finally(() => {
            running = false;
          });
      }, ms);
      t.unref();
      timers.push(t);
    };
    return {
      routes: cloudRoutes(cloud),
      start: async () => {
        every(1_000, 'settle', () => cloud.settle());
        every(3_600_000, 'recycle-purge', () => cloud.storage.purgeDue().finally(() => cloud.forgetLists()));
        every(60_000, 'backup-policies', () => cloud.storage.runPolicies().finally(() => cloud.forgetLists()));
      },
      stop: async () => {
        for (const t of timers) clearInterval(t);
      },
      exports: {
        cloud,
        evidence: [
          cloudEvidenceSource(cloud),
          tenantsEvidenceSource({
            tenants: base.tenants,
            usage: (tenantId) => cloud.quota(systemActor('compliance-tenants'), tenantId),
            // A zone whose driver reports no capacity (OpenStack without the admin view) cannot be compared.
            capacity: async (zone) => {
              const c = (await drivers.get(zone)?.describe())?.capacity;
              return c && c.vcpus > 0 ? { vcpus: c.vcpus, ramGb: c.ramGb } : null;
            },
          }),
        ],
      },
    };
  },
};
