import * as openstack from '@pulumi/openstack';
import * as pulumi from '@pulumi/pulumi';
import type { Gatekeeper as GatekeeperSpec, GatekeeperFlow } from '../../policies';
import type { GatekeeperPort } from './tier-flows';

export interface GatekeeperSideArgs {
  readonly zone: string;
  readonly spec: GatekeeperSpec;
  readonly ferryNetworkId: pulumi.Input<string>;
  readonly ferrySubnetId: pulumi.Input<string>;
  /** the gatekeeper's near interface in this zone */
  readonly address: string;
  /** the services tier, where the control plane's ferry agent runs */
  readonly servicesCidr: string;
}

/** The flows that touch a zone, with their direction seen from it. */
export function flowsOf(zone: string, flows: readonly GatekeeperFlow[]): (GatekeeperFlow & { direction: 'outbound' | 'inbound' })[] {
  return flows
    .filter((f) => f.from === zone || f.to === zone)
    .map((f) => ({ ...f, direction: f.from === zone ? ('outbound' as const) : ('inbound' as const) }));
}

/** The distinct ports of a zone's flows, with the flows each serves (the services → ferry rules). Pure. */
export function gatekeeperPorts(flows: readonly GatekeeperFlow[]): GatekeeperPort[] {
  const out = new Map<string, { protocol: 'tcp' | 'udp'; port: number; flowIds: string[] }>();
  for (const f of flows) {
    const key = `${f.protocol}/${f.port}`;
    const entry = out.get(key) ?? { protocol: f.protocol, port: f.port, flowIds: [] };
    entry.flowIds.push(f.id);
    out.set(key, entry);
  }
  return [...out.values()];
}

/** The whitelist as the appliance's operators load it: one line per flow. Pure. */
export function renderWhitelist(spec: GatekeeperSpec): string {
  const head = `# ${spec.name} (${spec.model}) — the only flows allowed between zones; anything else is dropped\n`;
  return head + spec.flows
    .map((f) => [f.id, `${f.from}->${f.to}`, f.payload, `${f.protocol}/${f.port}`, `schedule=${f.schedule}`, `max=${f.maxFileMb}MB`].join('\t'))
    .join('\n') + '\n';
}

/**
 * This zone's side of the network gatekeeper (网闸): the port of its near interface on the ferry
 * network and a security group that lets only the ferry agent reach it, on the flows' ports. Nothing
 * is routed across: the gatekeeper copies files between its two sides.
 */
export class GatekeeperSide extends pulumi.ComponentResource {
  readonly port: openstack.networking.Port;
  readonly flows: ReturnType<typeof flowsOf>;
  readonly whitelist: string;

  constructor(name: string, args: GatekeeperSideArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('yiyun:network:GatekeeperSide', name, {}, opts);
    const parent = { parent: this };
    const z = args.zone;
    this.flows = flowsOf(z, args.spec.flows);
    this.whitelist = renderWhitelist(args.spec);
    const sg = new openstack.networking.SecGroup(`${z}-sg-gatekeeper`, {
      name: `${z}-gatekeeper`,
      description: 'only the ferry agent reaches the gatekeeper, on the declared flows',
      deleteDefaultRules: true,
      tags: ['yiyun:role=gatekeeper'],
    }, parent);
    for (const g of gatekeeperPorts(this.flows)) {
      new openstack.networking.SecGroupRule(`${z}-sg-gatekeeper-${g.protocol}-${g.port}`, {
        securityGroupId: sg.id,
        direction: 'ingress',
        ethertype: 'IPv4',
        protocol: g.protocol,
        portRangeMin: g.port,
        portRangeMax: g.port,
        remoteIpPrefix: args.servicesCidr,
        description: `ferry agent → gatekeeper (${g.flowIds.join(', ')})`,
      }, parent);
    }
    // The appliance's own audit log (tier-flows: ferry → services 6514); nothing else leaves it.
    new openstack.networking.SecGroupRule(`${z}-sg-gatekeeper-syslog`, {
      securityGroupId: sg.id,
      direction: 'egress',
      ethertype: 'IPv4',
      protocol: 'tcp',
      portRangeMin: 6514,
      portRangeMax: 6514,
      remoteIpPrefix: args.servicesCidr,
      description: 'gatekeeper → log audit (syslog over TLS)',
    }, parent);
    this.port = new openstack.networking.Port(`${z}-gatekeeper-port`, {
      name: `${z}-gatekeeper-near`,
      networkId: args.ferryNetworkId,
      fixedIps: [{ subnetId: args.ferrySubnetId, ipAddress: args.address }],
      securityGroupIds: [sg.id],
      deviceOwner: 'yiyun:gatekeeper',
      tags: [`yiyun:zone=${z}`, 'yiyun:role=gatekeeper', `yiyun:flows=${this.flows.map((f) => f.id).join(',')}`],
    }, parent);
    this.registerOutputs({ address: args.address, flows: this.flows.map((f) => f.id) });
  }
}
