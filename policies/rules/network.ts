import { contains, isWorld, overlaps, parsePrefix, prefixesIn } from '../net-fns';
import { T, arr, k8sMeta, label, num, rec, resolve, str } from '../resource-types';
import type { PolicyContext, PolicyRule, ResourceDescription, StackFinding } from '../types';

function portRange(min: unknown, max: unknown): [number, number] {
  const lo = num(min);
  const hi = num(max);
  if (lo === undefined && hi === undefined) return [1, 65535]; // Neutron: no range means every port
  return [lo ?? hi ?? 1, hi ?? lo ?? 65535];
}

/** FWaaS writes ports as "22" or "1000:2000"; absent means any. */
function fwPortRange(v: unknown): [number, number] {
  const s = str(v);
  if (!s) return [1, 65535];
  const [a, b] = s.split(':');
  return portRange(a, b ?? a);
}

function adminPortsIn(range: [number, number], ctx: PolicyContext): number[] {
  return ctx.adminPorts.filter((p) => p >= range[0] && p <= range[1]);
}

export const adminPortNotPublic: PolicyRule = {
  id: 'admin-port-not-public',
  title: 'No administrative port (SSH, RDP, databases) open to 0.0.0.0/0 or ::/0',
  severity: 'critical',
  dengbao: ['L3-ABS1-05', 'L3-ABS1-07', 'L3-CES1-19'],
  remediation:
    'Restrict the rule to the bastion or management subnet (remote_ip_prefix / remote_group_id); administrators reach hosts only through the bastion.',
  appliesTo: [T.secGroupRule, T.fwRule],
  check(r, ctx) {
    const p = r.props;
    if (r.type === T.secGroupRule) {
      if (str(p.direction) !== 'ingress') return [];
      const proto = str(p.protocol)?.toLowerCase();
      if (proto !== undefined && proto !== 'tcp' && proto !== '6' && proto !== 'any') return [];
      if (str(p.remoteGroupId)) return [];
      if (!isWorld(str(p.remoteIpPrefix))) return [];
      const open = adminPortsIn(portRange(p.portRangeMin, p.portRangeMax), ctx);
      return open.length
        ? [`ingress rule opens admin port(s) ${open.join(', ')} to ${str(p.remoteIpPrefix) ?? 'any address'}`]
        : [];
    }
    if (r.type === T.fwRule) {
      if ((str(p.action) ?? 'deny') !== 'allow') return [];
      const proto = str(p.protocol)?.toLowerCase() ?? 'any';
      if (proto !== 'tcp' && proto !== 'any') return [];
      if (!isWorld(str(p.sourceIpAddress))) return [];
      const open = adminPortsIn(fwPortRange(p.destinationPort), ctx);
      return open.length
        ? [`firewall rule allows admin port(s) ${open.join(', ')} from ${str(p.sourceIpAddress) ?? 'any address'}`]
        : [];
    }
    return [];
  },
};

/** Which addresses a resource mentions, per type, with the port it opens if it is a rule. */
function addressesOf(r: ResourceDescription): { addrs: string[]; port?: [number, number]; flowTag?: string } {
  const p = r.props;
  switch (r.type) {
    case T.secGroupRule:
      return {
        addrs: prefixesIn(p.remoteIpPrefix),
        port: portRange(p.portRangeMin, p.portRangeMax),
        flowTag: str(p.description),
      };
    case T.fwRule:
      return {
        addrs: [...prefixesIn(p.sourceIpAddress), ...prefixesIn(p.destinationIpAddress)],
        port: fwPortRange(p.destinationPort),
        flowTag: str(p.description),
      };
    case T.routerRoute:
    case T.subnetRoute:
      return { addrs: [...prefixesIn(p.destinationCidr), ...prefixesIn(p.nextHop)] };
    case T.subnet:
      return {
        addrs: [
          ...prefixesIn(p.cidr),
          ...arr(p.hostRoutes).flatMap((h) => [...prefixesIn(rec(h).destinationCidr), ...prefixesIn(rec(h).nextHop)]),
        ],
      };
    case T.port:
      return {
        addrs: [
          ...arr(p.allowedAddressPairs).flatMap((a) => prefixesIn(rec(a).ipAddress)),
          ...arr(p.fixedIps).flatMap((a) => prefixesIn(rec(a).ipAddress)),
        ],
      };
    case T.floatingIp:
    case T.computeFloatingIp:
      return { addrs: [...prefixesIn(p.address), ...prefixesIn(p.fixedIp)] };
    case T.loadBalancer:
      return { addrs: prefixesIn(p.vipAddress) };
    case T.vpnSiteConnection:
      return { addrs: [...prefixesIn(p.peerAddress), ...prefixesIn(p.peerCidrs)] };
    case T.vpnEndpointGroup:
      return { addrs: prefixesIn(p.endpoints) };
    case T.k8sNetworkPolicy: {
      const spec = rec(p.spec);
      const peers = [
        ...arr(spec.ingress).flatMap((i) => arr(rec(i).from)),
        ...arr(spec.egress).flatMap((e) => arr(rec(e).to)),
      ];
      const annotation = str(k8sMeta(r).annotations['yiyun.io/gatekeeper-flow']);
      return {
        addrs: peers.flatMap((x) => prefixesIn(rec(rec(x).ipBlock).cidr)),
        flowTag: annotation ? `gatekeeper-flow:${annotation}` : undefined,
      };
    }
    default:
      return { addrs: [] };
  }
}

function flowAllows(
  r: ResourceDescription,
  addr: string,
  otherZone: string,
  port: [number, number] | undefined,
  flowTag: string | undefined,
  ctx: PolicyContext,
): boolean {
  const m = flowTag?.match(/gatekeeper-flow:([a-z][a-z0-9-]*)/);
  if (!m || !ctx.gatekeeper) return false;
  const flow = ctx.gatekeeper.flows.find((f) => f.id === m[1]);
  if (!flow || !flow.peer || r.zone === undefined) return false;
  const zonesMatch =
    (flow.from === r.zone && flow.to === otherZone) || (flow.to === r.zone && flow.from === otherZone);
  const peer = parsePrefix(flow.peer);
  const a = parsePrefix(addr);
  const portOk = port === undefined || (port[0] === flow.port && port[1] === flow.port);
  return zonesMatch && !!peer && !!a && contains(peer, a) && portOk;
}

/**
 * The network references of a resource that may name a zone's external (provider) network: a
 * router's gateway, a port's network, a floating IP's pool, an Octavia VIP's network.
 */
function externalRefsOf(r: ResourceDescription): { what: string; ref: string }[] {
  const p = r.props;
  const refs: [string, unknown][] =
    r.type === T.port ? [['port on network', p.networkId]]
      : r.type === T.floatingIp || r.type === T.computeFloatingIp ? [['floating IP from pool', p.pool]]
        : r.type === T.loadBalancer ? [['load balancer VIP on network', p.vipNetworkId]]
          : [];
  return refs.flatMap(([what, v]) => (str(v) ? [{ what, ref: str(v)! }] : []));
}

/** The other zone whose external networks include `ref`, if any. */
function foreignZoneOfNetwork(ref: string, own: string, ctx: PolicyContext): string | undefined {
  return Object.entries(ctx.zones).find(
    ([zone, space]) => zone !== own && (space.externalNetworks.includes(ref) || (space.externalNetworkNames ?? []).includes(ref)),
  )?.[0];
}

export const noCrossZonePath: PolicyRule = {
  id: 'no-cross-zone-path',
  title: 'Nothing connects the zones except the gatekeeper’s declared flows',
  severity: 'critical',
  dengbao: ['L3-ABS1-01', 'L3-ABS1-05', 'L3-CNS1-03'],
  remediation:
    'Remove the route, peering or rule; data that must cross goes through the gatekeeper (网闸) as a declared flow (direction, payload, schedule).',
  appliesTo: [
    T.secGroupRule, T.fwRule, T.routerRoute, T.subnetRoute, T.subnet, T.port, T.router,
    T.vpnSiteConnection, T.vpnEndpointGroup, T.k8sNetworkPolicy, T.floatingIp, T.computeFloatingIp, T.loadBalancer,
  ],
  check(r, ctx) {
    if (r.zone === undefined) return [];
    const out: string[] = [];
    if (r.type === T.router) {
      const own = ctx.zones[r.zone]?.externalNetworks ?? [];
      const ext = str(r.props.externalNetworkId);
      if (ext && own.length > 0 && !own.includes(ext)) {
        out.push(`router gateway on external network ${ext}, which is not one of zone ${r.zone}'s (${own.join(', ')})`);
      }
      return out;
    }
    for (const { what, ref } of externalRefsOf(r)) {
      const zone = foreignZoneOfNetwork(ref, r.zone, ctx);
      if (zone) out.push(`${what} ${ref}, an external network of zone ${zone}: a path from ${r.zone} to ${zone} outside the gatekeeper's flows`);
    }
    const { addrs, port, flowTag } = addressesOf(r);
    for (const addr of addrs) {
      const a = parsePrefix(addr);
      if (!a || isWorld(addr)) continue;
      for (const [zone, space] of Object.entries(ctx.zones)) {
        if (zone === r.zone) continue;
        const hit = [...space.ipv4, ...space.ipv6].find((c) => {
          const z = parsePrefix(c);
          return z !== undefined && overlaps(z, a);
        });
        if (hit && !flowAllows(r, addr, zone, port, flowTag, ctx)) {
          out.push(`${addr} lies in zone ${zone}'s address space (${hit}): a path from ${r.zone} to ${zone} outside the gatekeeper's flows`);
        }
      }
    }
    if (r.type === T.vpnSiteConnection && out.length === 0 && addrs.length === 0) {
      out.push('VPN site connection without a peer address cannot be checked against the zones');
    }
    return out;
  },
};

const MGMT_TRANSIT = 'mgmt-transit';

const tierOf = (r: ResourceDescription | undefined): string | undefined => (r ? label(r, 'yiyun:tier') : undefined);

export const managementNetworkSeparate: PolicyRule = {
  id: 'management-network-separate',
  title: 'The management network is separate from tenant and service networks',
  severity: 'high',
  dengbao: ['L3-CNS1-03', 'L3-SMC1-07', 'L3-CNS2-03'],
  remediation:
    'Attach management subnets to the management router only; never share the management network with tenants.',
  appliesTo: [T.network, T.router],
  check(r) {
    if (r.type === T.network && label(r, 'yiyun:tier') === 'management' && r.props.shared === true) {
      return ['the management network is shared with other projects'];
    }
    if (r.type === T.router) {
      const tiers = [...(label(r, 'yiyun:tiers') ?? '').split(',')].filter(Boolean);
      if (tiers.includes('management') && tiers.length > 1) {
        return [`one router serves management and ${tiers.filter((t) => t !== 'management').join(', ')}`];
      }
    }
    return [];
  },
  // A management router may also join the management transit (tier "mgmt-transit"): the /29 on which
  // it meets the core router behind an FWaaS group. That link is how the listed management flows are
  // routed; the management network itself still never shares a router with another tier.
  checkStack(rs) {
    const byRouter = new Map<string, { router: ResourceDescription | undefined; tiers: Set<string> }>();
    for (const i of rs.filter((x) => x.type === T.routerInterface)) {
      const routerRef = str(i.props.routerId) ?? '';
      let subnet = resolve(i.props.subnetId, rs, T.subnet);
      if (!subnet) {
        const port = resolve(i.props.portId, rs, T.port);
        subnet = port && resolve(rec(arr(port.props.fixedIps)[0]).subnetId, rs, T.subnet);
      }
      const tier = tierOf(subnet);
      if (!tier) continue;
      const entry = byRouter.get(routerRef) ?? { router: resolve(routerRef, rs, T.router), tiers: new Set() };
      entry.tiers.add(tier);
      byRouter.set(routerRef, entry);
    }
    const out: StackFinding[] = [];
    for (const [ref, { router, tiers }] of byRouter) {
      const others = [...tiers].filter((t) => t !== 'management' && t !== MGMT_TRANSIT).join(', ');
      if (tiers.has('management') && others !== '') {
        out.push({
          resource: router ?? { type: T.router, name: ref, props: {} },
          message: `router joins the management network to ${others}`,
        });
      }
    }
    return out;
  },
};

const wafPort = (p: ResourceDescription | undefined): boolean => !!p && label(p, 'yiyun:role') === 'waf';

export const publicBehindWaf: PolicyRule = {
  id: 'public-behind-waf',
  title: 'Public endpoints only behind the WAF',
  severity: 'high',
  dengbao: ['L3-ABS1-01', 'L3-ABS1-10', 'L3-ABS2-03'],
  remediation:
    'Bind floating IPs only to the WAF pair’s virtual IP; publish applications through the WAF, never with a LoadBalancer/NodePort Service.',
  appliesTo: [T.k8sService, T.floatingIp],
  check(r) {
    if (r.type === T.k8sService) {
      const type = str(rec(r.props.spec).type) ?? 'ClusterIP';
      // An internal Octavia load balancer gets an address on the services subnet and no floating IP:
      // only the WAF (edge tier) reaches it, so it is not a public endpoint.
      const internal = k8sMeta(r).annotations['service.beta.kubernetes.io/openstack-internal-load-balancer'] === 'true';
      if (type === 'NodePort' || (type === 'LoadBalancer' && !internal)) {
        return [`Service of type ${type} publishes pods without passing the WAF`];
      }
    }
    return [];
  },
  checkStack(rs) {
    const out: StackFinding[] = [];
    for (const r of rs) {
      let portRef: unknown;
      if (r.type === T.floatingIp) portRef = r.props.portId;
      else if (r.type === T.floatingIpAssociate) portRef = r.props.portId;
      else if (r.type === T.computeFloatingIpAssociate) {
        out.push({ resource: r, message: 'floating IP bound directly to an instance, not to the WAF VIP' });
        continue;
      } else continue;
      if (portRef === undefined) continue;
      if (!wafPort(resolve(portRef, rs, T.port))) {
        out.push({ resource: r, message: `floating IP bound to ${str(portRef)}, which is not a WAF port` });
      }
    }
    return out;
  },
};

export const defaultDeny: PolicyRule = {
  id: 'default-deny',
  title: 'Security groups and namespaces deny by default',
  severity: 'medium',
  dengbao: ['L3-ABS1-05', 'L3-ABS1-06', 'L3-CES2-03'],
  remediation:
    'Create security groups with delete_default_rules and explicit rules; give every namespace a default-deny NetworkPolicy.',
  appliesTo: [T.secGroup, T.k8sNamespace],
  check(r) {
    if (r.type === T.secGroup && r.props.deleteDefaultRules !== true) {
      return ['security group keeps the default allow-all egress rules'];
    }
    return [];
  },
  checkStack(rs) {
    const denied = new Set<string>();
    for (const np of rs.filter((x) => x.type === T.k8sNetworkPolicy)) {
      const spec = rec(np.props.spec);
      const selectsAll = Object.keys(rec(rec(spec.podSelector).matchLabels)).length === 0;
      const types = arr(spec.policyTypes).map(str);
      if (selectsAll && types.includes('Ingress') && types.includes('Egress') && arr(spec.ingress).length === 0 && arr(spec.egress).length === 0) {
        denied.add(str(rec(np.props.metadata).namespace) ?? 'default');
      }
    }
    return rs
      .filter((x) => x.type === T.k8sNamespace)
      .filter((ns) => !denied.has(str(rec(ns.props.metadata).name) ?? ns.name))
      .map((ns) => ({ resource: ns, message: 'namespace has no default-deny NetworkPolicy (ingress and egress)' }));
  },
};
