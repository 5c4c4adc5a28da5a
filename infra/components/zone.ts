import * as openstack from '@pulumi/openstack';
import * as pulumi from '@pulumi/pulumi';
import type { TenantSpec, Tier, TierKind } from '../config/config-schema';
import { firewallRules, securityGroupRules, tierCidrs, type Cidrs, type FwRuleSpec, type SgRuleSpec } from './acl-plan';
import { allocationPool, planTenants, planTiers, type TenantPlan, type TierPlan } from './zone-plan';

export interface ZoneArgs {
  /** short zone name ("dmz", "internet"); prefixes every child's name */
  readonly zone: string;
  /** the zone's own address space from the project's address plan */
  readonly ipv4: string;
  readonly ipv6?: string;
  /** tiers in allocation order (changing the order renumbers later tiers) */
  readonly tiers: readonly Tier[];
  readonly tenants: readonly TenantSpec[];
  /** the provider network the core router uses as gateway */
  readonly externalNetworkId: string;
  readonly dns: readonly string[];
}

/** What one network (a tier's, or a tenant's) is made of. */
export interface NetworkParts {
  network: openstack.networking.Network;
  subnet4?: openstack.networking.Subnet;
  subnet6?: openstack.networking.Subnet;
  routerPort?: openstack.networking.Port;
}

const IPV6_MODES = { slaac: 'slaac', 'dhcpv6-stateful': 'dhcpv6-stateful', 'dhcpv6-stateless': 'dhcpv6-stateless' } as const;

/**
 * One zone's network: a management router apart from the core router, one network per tier with
 * IPv4 / IPv6 / dual-stack subnets, one network per tenant, default-deny security groups and
 * FWaaS v2 groups on the router ports — both derived from the tier-flow table.
 * Child names are `<zone>-<kind>-<tier>`; never rename them (a rename replaces the resource).
 */
export class Zone extends pulumi.ComponentResource {
  readonly tierPlans: TierPlan[];
  readonly tenantPlans: TenantPlan[];
  readonly cidrs: Map<TierKind, Cidrs>;
  readonly networks = new Map<TierKind, NetworkParts>();
  readonly tenantNetworks = new Map<string, NetworkParts>();
  readonly securityGroups = new Map<TierKind, openstack.networking.SecGroup>();
  readonly tenantSecurityGroups = new Map<string, openstack.networking.SecGroup>();
  readonly coreRouter: openstack.networking.Router;
  readonly managementRouter: openstack.networking.Router;

  constructor(name: string, args: ZoneArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('yiyun:network:Zone', name, {}, opts);
    const z = args.zone;
    this.tierPlans = planTiers({ ipv4: args.ipv4, ipv6: args.ipv6 }, args.tiers);
    const tenantTier = this.tierPlans.find((t) => t.kind === 'tenant');
    this.tenantPlans = planTenants(tenantTier, args.ipv6, args.tenants);
    this.cidrs = tierCidrs(this.tierPlans, this.tenantPlans, args.ipv6);
    const parent = { parent: this };

    const routed = this.tierPlans.filter((t) => t.kind !== 'storage' && t.kind !== 'management').map((t) => t.kind);
    this.coreRouter = new openstack.networking.Router(`${z}-router-core`, {
      name: `${z}-core`,
      externalNetworkId: args.externalNetworkId,
      enableSnat: false,
      tags: [`yiyun:zone=${z}`, `yiyun:tiers=${routed.join(',')}`],
    }, parent);
    // The management router has no gateway and joins nothing but the management tier.
    this.managementRouter = new openstack.networking.Router(`${z}-router-mgmt`, {
      name: `${z}-mgmt`,
      tags: [`yiyun:zone=${z}`, 'yiyun:tiers=management'],
    }, parent);

    for (const t of this.tierPlans) {
      if (t.kind === 'tenant') continue; // tenants get their own networks below
      const router = t.kind === 'storage' ? undefined : t.kind === 'management' ? this.managementRouter : this.coreRouter;
      this.networks.set(t.kind, this.network(z, t.kind, t.kind, t, router, args.dns));
      this.securityGroups.set(t.kind, this.securityGroup(`${z}-sg-${t.kind}`, t.kind, securityGroupRules(t.kind, this.cidrs, args.dns)));
    }
    for (const tp of this.tenantPlans) {
      const tier: TierPlan = {
        kind: 'tenant',
        stack: tp.ipv6 ? 'dual' : 'ipv4',
        ipv4: tp.ipv4,
        gateway4: tp.gateway4,
        ...(tp.ipv6 ? { ipv6: tp.ipv6, gateway6: tp.gateway6, ipv6Mode: tenantTier?.ipv6Mode ?? 'dhcpv6-stateful' } : {}),
      };
      this.tenantNetworks.set(tp.name, this.network(z, `tenant-${tp.name}`, 'tenant', tier, this.coreRouter, args.dns));
      this.tenantSecurityGroups.set(tp.name, this.securityGroup(`${z}-sg-tenant-${tp.name}`, 'tenant', securityGroupRules('tenant', this.cidrs, args.dns)));
    }

    // Network ACLs: one FWaaS v2 group per routed tier, on the router ports of that tier.
    for (const t of this.tierPlans) {
      if (t.kind === 'storage') continue;
      const ports =
        t.kind === 'tenant'
          ? [...this.tenantNetworks.values()].map((n) => n.routerPort)
          : [this.networks.get(t.kind)?.routerPort];
      const ids = ports.filter((p): p is openstack.networking.Port => p !== undefined).map((p) => p.id);
      if (ids.length === 0) continue;
      const { ingress, egress } = firewallRules(t.kind, this.cidrs);
      const pIn = this.fwPolicy(`${z}-fwp-${t.kind}-ingress`, `${z}-fwr-${t.kind}-in`, ingress);
      const pOut = this.fwPolicy(`${z}-fwp-${t.kind}-egress`, `${z}-fwr-${t.kind}-out`, egress);
      new openstack.firewall.GroupV2(`${z}-fwg-${t.kind}`, {
        name: `${z}-${t.kind}`,
        description: `network ACL of the ${t.kind} tier`,
        ingressFirewallPolicyId: pIn.id,
        egressFirewallPolicyId: pOut.id,
        ports: ids,
      }, parent);
    }

    this.registerOutputs({
      coreRouterId: this.coreRouter.id,
      managementRouterId: this.managementRouter.id,
      tiers: this.tierPlans,
      tenants: this.tenantPlans,
    });
  }

  private network(z: string, key: string, kind: TierKind, t: TierPlan, router: openstack.networking.Router | undefined, dns: readonly string[]): NetworkParts {
    const parent = { parent: this };
    const tags = [`yiyun:zone=${z}`, `yiyun:tier=${kind}`];
    const network = new openstack.networking.Network(`${z}-net-${key}`, { name: `${z}-${key}`, adminStateUp: true, tags }, parent);
    const parts: NetworkParts = { network };
    if (t.ipv4) {
      parts.subnet4 = new openstack.networking.Subnet(`${z}-subnet-${key}-v4`, {
        name: `${z}-${key}-v4`,
        networkId: network.id,
        ipVersion: 4,
        cidr: t.ipv4,
        enableDhcp: true,
        allocationPools: [allocationPool(t.ipv4)],
        dnsNameservers: dns.filter((d) => !d.includes(':')),
        ...(router ? { gatewayIp: t.gateway4 } : { noGateway: true }),
        tags: [...tags, `yiyun:stack=${t.stack}`],
      }, parent);
    }
    if (t.ipv6 && t.ipv6Mode) {
      const mode = IPV6_MODES[t.ipv6Mode];
      parts.subnet6 = new openstack.networking.Subnet(`${z}-subnet-${key}-v6`, {
        name: `${z}-${key}-v6`,
        networkId: network.id,
        ipVersion: 6,
        cidr: t.ipv6,
        ipv6AddressMode: mode,
        // Router advertisements come from the router: an unrouted subnet sets no RA mode.
        ...(router ? { ipv6RaMode: mode } : {}),
        enableDhcp: true,
        ...(router ? { gatewayIp: t.gateway6 } : { noGateway: true }),
        tags: [...tags, `yiyun:stack=${t.stack}`, `yiyun:ipv6-mode=${mode}`],
      }, parent);
    }
    if (router) {
      const fixedIps: { subnetId: pulumi.Input<string>; ipAddress?: string }[] = [];
      if (parts.subnet4) fixedIps.push({ subnetId: parts.subnet4.id, ipAddress: t.gateway4 });
      if (parts.subnet6) fixedIps.push({ subnetId: parts.subnet6.id, ipAddress: t.gateway6 });
      parts.routerPort = new openstack.networking.Port(`${z}-rport-${key}`, {
        name: `${z}-${key}-gw`,
        networkId: network.id,
        fixedIps,
        tags: [...tags, 'yiyun:role=router-port'],
      }, parent);
      new openstack.networking.RouterInterface(`${z}-rif-${key}`, { routerId: router.id, portId: parts.routerPort.id }, parent);
    }
    return parts;
  }

  private securityGroup(name: string, kind: TierKind, rules: readonly SgRuleSpec[]): openstack.networking.SecGroup {
    const sg = new openstack.networking.SecGroup(name, {
      name,
      description: `default-deny group of the ${kind} tier`,
      deleteDefaultRules: true,
      tags: [`yiyun:tier=${kind}`],
    }, { parent: this });
    rules.forEach((r, i) => {
      new openstack.networking.SecGroupRule(`${name}-r${i}`, {
        securityGroupId: sg.id,
        direction: r.direction,
        ethertype: r.ethertype,
        ...(r.protocol ? { protocol: r.protocol } : {}),
        ...(r.portMin !== undefined ? { portRangeMin: r.portMin, portRangeMax: r.portMax } : {}),
        ...(r.remote === 'self' ? { remoteGroupId: sg.id } : { remoteIpPrefix: r.remote }),
        description: r.description,
      }, { parent: this });
    });
    return sg;
  }

  private fwPolicy(name: string, rulePrefix: string, specs: readonly FwRuleSpec[]): openstack.firewall.PolicyV2 {
    const ruleIds = specs.map((s, i) =>
      new openstack.firewall.RuleV2(`${rulePrefix}-${i}`, {
        name: `${rulePrefix}-${i}`,
        action: s.action,
        ipVersion: s.ipVersion,
        protocol: s.protocol,
        ...(s.sourceIp ? { sourceIpAddress: s.sourceIp } : {}),
        ...(s.destinationIp ? { destinationIpAddress: s.destinationIp } : {}),
        ...(s.destinationPort ? { destinationPort: s.destinationPort } : {}),
        description: s.description,
        enabled: true,
      }, { parent: this }).id,
    );
    return new openstack.firewall.PolicyV2(name, { name, rules: ruleIds, audited: true }, { parent: this });
  }
}
