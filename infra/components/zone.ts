import * as openstack from '@pulumi/openstack';
import * as pulumi from '@pulumi/pulumi';
import type { TenantSpec, Tier, TierKind } from '../config/config-schema';
import {
  firewallRules, managementPeers, securityGroupRules, tierCidrs, transitFirewallRules, type Cidrs, type FwRuleSpec, type SgRuleSpec,
} from './acl-plan';
import { zoneFlows, type GatekeeperPort, type OpenStackApiEndpoints, type TierFlow } from './tier-flows';
import { allocationPool, planTenants, planTiers, planTransit, type TenantPlan, type TierPlan, type TransitPlan } from './zone-plan';

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
  /** the ports of the declared gatekeeper flows: the services tier may reach the ferry tier on these only */
  readonly gatekeeperPorts?: readonly GatekeeperPort[];
  /** the zone's OpenStack API endpoints: the services tier may reach them on these ports only */
  readonly openstackApi?: OpenStackApiEndpoints;
  /** each tenant's Keystone project id: its network and security group are shared with it (RBAC) */
  readonly tenantProjects?: ReadonlyMap<string, pulumi.Input<string>>;
}

/** What one network (a tier's, or a tenant's) is made of. */
export interface NetworkParts {
  network: openstack.networking.Network;
  subnet4?: openstack.networking.Subnet;
  subnet6?: openstack.networking.Subnet;
  routerPort?: openstack.networking.Port;
  routerInterface?: openstack.networking.RouterInterface;
}

const IPV6_MODES = { slaac: 'slaac', 'dhcpv6-stateful': 'dhcpv6-stateful', 'dhcpv6-stateless': 'dhcpv6-stateless' } as const;

/**
 * One zone's network: a management router apart from the core router, one network per tier with
 * IPv4 / IPv6 / dual-stack subnets, one network per tenant, default-deny security groups and
 * FWaaS v2 groups on the router ports — both derived from the tier-flow table. The two routers meet
 * only on the management transit, behind its own FWaaS group, and route to each other only what the
 * table's management flows need. Child names are `<zone>-<kind>-<tier>`; never rename them (a rename
 * replaces the resource).
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
  readonly flows: readonly TierFlow[];
  readonly transit?: TransitPlan;

  constructor(name: string, args: ZoneArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('yiyun:network:Zone', name, {}, opts);
    const z = args.zone;
    this.tierPlans = planTiers({ ipv4: args.ipv4, ipv6: args.ipv6 }, args.tiers);
    const tenantTier = this.tierPlans.find((t) => t.kind === 'tenant');
    this.tenantPlans = planTenants(tenantTier, args.ipv6, args.tenants);
    this.cidrs = tierCidrs(this.tierPlans, this.tenantPlans, args.ipv6);
    this.flows = zoneFlows(args.gatekeeperPorts, args.openstackApi);
    const parent = { parent: this };
    const hasMgmt = this.tierPlans.some((t) => t.kind === 'management' && t.ipv4);

    const routed = this.tierPlans.filter((t) => t.kind !== 'storage' && t.kind !== 'management').map((t) => t.kind);
    this.coreRouter = new openstack.networking.Router(`${z}-router-core`, {
      name: `${z}-core`,
      externalNetworkId: args.externalNetworkId,
      enableSnat: false,
      tags: [`yiyun:zone=${z}`, `yiyun:tiers=${routed.join(',')}`, ...(hasMgmt ? ['yiyun:transit=management'] : [])],
    }, parent);
    // The management router has no gateway; besides the management tier it joins only the transit to the core router.
    this.managementRouter = new openstack.networking.Router(`${z}-router-mgmt`, {
      name: `${z}-mgmt`,
      tags: [`yiyun:zone=${z}`, 'yiyun:tiers=management', ...(hasMgmt ? ['yiyun:transit=core'] : [])],
    }, parent);

    for (const t of this.tierPlans) {
      if (t.kind === 'tenant') continue; // tenants get their own networks below
      const router = t.kind === 'storage' ? undefined : t.kind === 'management' ? this.managementRouter : this.coreRouter;
      this.networks.set(t.kind, this.network(z, t.kind, t.kind, t, router, args.dns));
      this.securityGroups.set(t.kind, this.securityGroup(`${z}-sg-${t.kind}`, t.kind, securityGroupRules(t.kind, this.cidrs, args.dns, this.flows)));
    }
    for (const tp of this.tenantPlans) {
      const tier: TierPlan = {
        kind: 'tenant',
        stack: tp.ipv6 ? 'dual' : 'ipv4',
        ipv4: tp.ipv4,
        gateway4: tp.gateway4,
        ...(tp.ipv6 ? { ipv6: tp.ipv6, gateway6: tp.gateway6, ipv6Mode: tenantTier?.ipv6Mode ?? 'dhcpv6-stateful' } : {}),
      };
      const net = this.network(z, `tenant-${tp.name}`, 'tenant', tier, this.coreRouter, args.dns);
      const sg = this.securityGroup(`${z}-sg-tenant-${tp.name}`, 'tenant', securityGroupRules('tenant', this.cidrs, args.dns, this.flows));
      this.tenantNetworks.set(tp.name, net);
      this.tenantSecurityGroups.set(tp.name, sg);
      // The network and its group stay the platform's (admin project) and are shared with the tenant's
      // project only: its members attach VMs to them but cannot change the subnet, the gateway or the
      // rules that the zone's ACLs assume.
      const project = args.tenantProjects?.get(tp.name);
      if (project !== undefined) {
        new openstack.networking.RbacPolicyV2(`${z}-rbac-net-tenant-${tp.name}`, {
          objectType: 'network', objectId: net.network.id, action: 'access_as_shared', targetTenant: project,
        }, parent);
        new openstack.networking.RbacPolicyV2(`${z}-rbac-sg-tenant-${tp.name}`, {
          objectType: 'security_group', objectId: sg.id, action: 'access_as_shared', targetTenant: project,
        }, parent);
      }
    }
    if (hasMgmt) this.transit = this.managementTransit(z, args.ipv4);

    // Network ACLs: one FWaaS v2 group per routed tier, on the router ports of that tier.
    for (const t of this.tierPlans) {
      if (t.kind === 'storage') continue;
      const ports =
        t.kind === 'tenant'
          ? [...this.tenantNetworks.values()].map((n) => n.routerPort)
          : [this.networks.get(t.kind)?.routerPort];
      const ids = ports.filter((p): p is openstack.networking.Port => p !== undefined).map((p) => p.id);
      if (ids.length === 0) continue;
      const ifaces =
        t.kind === 'tenant'
          ? [...this.tenantNetworks.values()].map((n) => n.routerInterface)
          : [this.networks.get(t.kind)?.routerInterface];
      const { ingress, egress } = firewallRules(t.kind, this.cidrs, this.flows);
      this.fwGroup(z, t.kind, `network ACL of the ${t.kind} tier`, ingress, egress, ids, ifaces);
    }

    this.registerOutputs({
      coreRouterId: this.coreRouter.id,
      managementRouterId: this.managementRouter.id,
      managementTransit: this.transit,
      tiers: this.tierPlans,
      tenants: this.tenantPlans,
    });
  }

  /**
   * The link between the routers: a /29 both join by a port, the core router's port behind its own
   * FWaaS group (the management flows only), and a static route each way — the core router reaches
   * the management tier, the management router reaches only the tiers it has flows with.
   */
  private managementTransit(z: string, ipv4Space: string): TransitPlan {
    const parent = { parent: this };
    const plan = planTransit(ipv4Space);
    const tags = [`yiyun:zone=${z}`, 'yiyun:tier=mgmt-transit'];
    const network = new openstack.networking.Network(`${z}-net-mgmt-transit`, { name: `${z}-mgmt-transit`, adminStateUp: true, tags }, parent);
    const subnet = new openstack.networking.Subnet(`${z}-subnet-mgmt-transit-v4`, {
      name: `${z}-mgmt-transit-v4`,
      networkId: network.id,
      ipVersion: 4,
      cidr: plan.cidr,
      enableDhcp: false,
      noGateway: true,
      tags: [...tags, 'yiyun:stack=ipv4'],
    }, parent);
    const join = (side: 'core' | 'mgmt', router: openstack.networking.Router, ip: string) => {
      const port = new openstack.networking.Port(`${z}-rport-mgmt-transit-${side}`, {
        name: `${z}-mgmt-transit-${side}`,
        networkId: network.id,
        fixedIps: [{ subnetId: subnet.id, ipAddress: ip }],
        tags: [...tags, 'yiyun:role=router-port'],
      }, parent);
      const iface = new openstack.networking.RouterInterface(`${z}-rif-mgmt-transit-${side}`, { routerId: router.id, portId: port.id }, parent);
      return { port, iface };
    };
    const core = join('core', this.coreRouter, plan.core);
    const mgmt = join('mgmt', this.managementRouter, plan.management);
    const after = { parent: this, dependsOn: [core.iface, mgmt.iface] };
    for (const [i, cidr] of (this.cidrs.get('management')?.v4 ?? []).entries()) {
      new openstack.networking.RouterRoute(`${z}-route-core-management-${i}`, { routerId: this.coreRouter.id, destinationCidr: cidr, nextHop: plan.management }, after);
    }
    for (const peer of managementPeers(new Set(this.cidrs.keys()), this.flows)) {
      for (const [i, cidr] of (this.cidrs.get(peer)?.v4 ?? []).entries()) {
        new openstack.networking.RouterRoute(`${z}-route-mgmt-${peer}-${i}`, { routerId: this.managementRouter.id, destinationCidr: cidr, nextHop: plan.core }, after);
      }
    }
    const { ingress, egress } = transitFirewallRules(this.cidrs, this.flows);
    this.fwGroup(z, 'mgmt-transit', 'network ACL between the core and the management router', ingress, egress, [core.port.id], [core.iface]);
    return plan;
  }

  /**
   * An FWaaS v2 group on router ports. It waits for the router interfaces: FWaaS v2 refuses a port
   * that is not yet a router's, and the port id alone does not order the group after the interface.
   */
  private fwGroup(
    z: string, key: string, description: string, ingress: readonly FwRuleSpec[], egress: readonly FwRuleSpec[],
    ports: pulumi.Input<string>[], ifaces: (openstack.networking.RouterInterface | undefined)[],
  ): openstack.firewall.GroupV2 {
    const pIn = this.fwPolicy(`${z}-fwp-${key}-ingress`, `${z}-fwr-${key}-in`, ingress);
    const pOut = this.fwPolicy(`${z}-fwp-${key}-egress`, `${z}-fwr-${key}-out`, egress);
    return new openstack.firewall.GroupV2(`${z}-fwg-${key}`, {
      name: `${z}-${key}`,
      description,
      ingressFirewallPolicyId: pIn.id,
      egressFirewallPolicyId: pOut.id,
      ports,
    }, { parent: this, dependsOn: ifaces.filter((i): i is openstack.networking.RouterInterface => i !== undefined) });
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
      parts.routerInterface = new openstack.networking.RouterInterface(`${z}-rif-${key}`, { routerId: router.id, portId: parts.routerPort.id }, parent);
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
