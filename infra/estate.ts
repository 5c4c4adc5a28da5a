import * as openstack from '@pulumi/openstack';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { Compute } from './components/compute';
import type { FlavorSpec } from './components/compute-plan';
import { GatekeeperSide, flowsOf, gatekeeperPorts } from './components/gatekeeper';
import { HaVip } from './components/havip';
import { Storage } from './components/storage';
import { Tenants } from './components/tenants';
import { Zone } from './components/zone';
import { gatekeeperAddress, havipAddresses, type TenantPlan, type TierPlan } from './components/zone-plan';
import type { EstateConfig, TierKind } from './config/config-schema';
import { ClinicalApps, type AppSummary } from './k8s/clinical-apps';
import { Cluster } from './k8s/cluster';
import { Platform } from './k8s/platform';

/** Plain facts about what the program declared (known without running a cloud). */
export interface EstateSummary {
  zone: string;
  tiers: TierPlan[];
  tenants: TenantPlan[];
  flavors: FlavorSpec[];
  havips: { name: string; role: string; tier: TierKind; vip: string; members: [string, string]; floatingIp: boolean }[];
  gatekeeper: { address: string; flows: ReturnType<typeof flowsOf> };
  volumeTypes: string[];
  /** the clinical apps of the catalogue this zone deploys */
  apps: AppSummary[];
}

export interface EstateSecrets {
  databaseUrl?: pulumi.Input<string>;
  /** the log audit's syslog-over-TLS certificate and key (PEM), from the stack's config secrets */
  syslogTls?: { cert: pulumi.Input<string>; key: pulumi.Input<string> };
}

/**
 * Declares one zone's estate. `infra/index.ts` (the program `pulumi up` runs) and `yiyun plan`
 * (under mocks) both call this with a validated config, so what is planned is what is deployed.
 */
export function buildEstate(cfg: EstateConfig, secrets: EstateSecrets = {}): EstateSummary {
  const z = cfg.zone;
  const space = cfg.addressPlan[z]!;
  // Credentials come from the environment (OS_AUTH_URL, OS_APPLICATION_CREDENTIAL_ID, …) of whoever runs `pulumi up`.
  // The provider is named "<zone>-openstack": the policy pack reads the zone from that name.
  const provider = new openstack.Provider(`${z}-openstack`, { region: cfg.region });
  const o = { providers: [provider] };

  const storage = new Storage(`${z}-storage`, {
    zone: z, backends: cfg.storage.backends, containers: cfg.objectStorage, logRetentionDays: cfg.logRetentionDays,
  }, o);
  const tenants = new Tenants(`${z}-tenants`, { zone: z, tenants: cfg.tenants, volumeType: storage.defaultVolumeType }, o);
  const zone = new Zone(`${z}-zone`, {
    zone: z,
    ipv4: space.ipv4[0]!,
    ipv6: space.ipv6[0],
    tiers: cfg.network.tiers,
    tenants: cfg.tenants,
    externalNetworkId: cfg.network.externalNetworkId,
    dns: cfg.network.dns,
    gatekeeperPorts: gatekeeperPorts(flowsOf(z, cfg.gatekeeper.flows)),
    openstackApi: cfg.openstackApi,
    tenantProjects: new Map([...tenants.projects].map(([name, p]) => [name, p.id])),
  }, o);
  const compute = new Compute(`${z}-compute`, { zone: z, aggregates: cfg.aggregates }, o);

  const ferryTier = zone.tierPlans.find((t) => t.kind === 'ferry')!;
  const ferry = zone.networks.get('ferry')!;
  const servicesTier = zone.tierPlans.find((t) => t.kind === 'services')!;
  const gkAddress = gatekeeperAddress(ferryTier);
  const gatekeeper = new GatekeeperSide(`${z}-gatekeeper`, {
    zone: z,
    spec: cfg.gatekeeper,
    ferryNetworkId: ferry.network.id,
    ferrySubnetId: ferry.subnet4!.id,
    address: gkAddress,
    servicesCidr: servicesTier.ipv4!,
  }, o);

  const havips: EstateSummary['havips'] = [];
  const perTier = new Map<TierKind, number>();
  const backupNames = cfg.backupPolicies.map((b) => b.name);
  let postgresVip: string | undefined;
  for (const h of cfg.havip) {
    const tier = zone.tierPlans.find((t) => t.kind === h.tier)!;
    const parts = zone.networks.get(h.tier)!;
    const k = perTier.get(h.tier) ?? 0;
    perTier.set(h.tier, k + 1);
    const addrs = havipAddresses(tier.ipv4!, k);
    new HaVip(h.name, {
      zone: z,
      role: h.role,
      networkId: parts.network.id,
      subnetId: parts.subnet4!.id,
      prefixLength: Number(tier.ipv4!.split('/')[1]),
      addresses: addrs,
      vrid: h.vrid,
      flavor: h.flavor,
      image: h.image,
      securityGroupIds: [zone.securityGroups.get(h.tier)!.id],
      backupPolicies: backupNames,
      ...(h.dataVolumeGb ? { dataVolumeGb: h.dataVolumeGb, volumeType: storage.defaultVolumeType } : {}),
      availabilityZone: cfg.aggregates[0]!.availabilityZone,
      ...(h.floatingIp ? { floatingIpPool: cfg.network.externalNetworkName } : {}),
    }, o);
    if (h.role === 'postgres' && !postgresVip) postgresVip = addrs.vip;
    havips.push({ name: h.name, role: h.role, tier: h.tier, vip: addrs.vip, members: [addrs.a, addrs.b], floatingIp: h.floatingIp });
  }

  const services = zone.networks.get('services')!;
  const cluster = new Cluster(`${z}-cluster`, {
    zone: z,
    spec: cfg.cluster,
    externalNetworkId: cfg.network.externalNetworkId,
    networkId: services.network.id,
    subnetId: services.subnet4!.id,
    volumeType: storage.defaultVolumeType,
    dns: cfg.network.dns[0]!,
  }, o);

  const dbPassword = new random.RandomPassword(`${z}-db-password`, { length: 32, special: false });
  const grafanaPassword = new random.RandomPassword(`${z}-grafana-password`, { length: 24, special: false });
  const databaseUrl =
    secrets.databaseUrl ??
    pulumi.secret(pulumi.interpolate`postgresql://yiyun:${dbPassword.result}@${postgresVip ?? '127.0.0.1'}:5432/yiyun?sslmode=require`);
  const platform = new Platform(`${z}-platform`, {
    cfg,
    cidrs: zone.cidrs,
    gatekeeperAddress: gkAddress,
    gatekeeperFlows: gatekeeper.flows,
    gatekeeperWhitelist: gatekeeper.whitelist,
    databaseUrl,
    grafanaAdminPassword: pulumi.secret(grafanaPassword.result),
    volumeType: storage.defaultVolumeType,
    ...(postgresVip ? { auditedPostgres: `${postgresVip}:5432` } : {}),
    ...(secrets.syslogTls ? { syslogTls: secrets.syslogTls } : {}),
  }, { providers: [cluster.provider] });

  const pair = (role: string) => havips.find((h) => h.role === role);
  const waf = pair('waf');
  const mariadb = pair('mariadb');
  const clinical = new ClinicalApps(`${z}-clinical-apps`, {
    cfg,
    wafAddresses: waf ? [waf.vip, ...waf.members] : [],
    databaseHosts: { ...(postgresVip ? { postgres: postgresVip } : {}), ...(mariadb ? { mariadb: mariadb.vip } : {}) },
    storageClass: platform.storageClass,
  }, { providers: [cluster.provider] });

  return {
    zone: z,
    tiers: zone.tierPlans,
    tenants: zone.tenantPlans,
    flavors: compute.flavors,
    havips,
    gatekeeper: { address: gkAddress, flows: gatekeeper.flows },
    volumeTypes: [...storage.volumeTypes.keys()],
    apps: clinical.summary,
  };
}
