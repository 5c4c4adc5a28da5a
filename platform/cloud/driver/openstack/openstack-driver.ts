import type { Logger } from '../../../../core/log';
import { ConflictError, InputError, NotFoundError, UpstreamError, isYiyunError } from '../../../../core/errors';
import type { OpenStackZoneConfig } from '../../zones-config';
import { DEFAULT_TIMINGS, type AclDesired, type AclProviderState, type CloudDriver, type CreateServerRequest, type FlavorSeed, type HostView, type RegionView } from '../cloud-driver';
import { cinder, glance, neutron, nova, type BlockDevice, type CinderVolume, type FirewallRule, type NovaFlavor } from './openstack-api';
import { createOpenStackClient, type OpenStackCalls } from './openstack-client';
import { projectResolver } from './openstack-projects';

export type OpenStackDriverOptions = {
  zone: string;
  config: OpenStackZoneConfig;
  logger: Pick<Logger, 'info' | 'warn'> & Partial<Pick<Logger, 'debug'>>;
  /** the zone's address plan (from the estate's stack config): what the 等保 admission rules check against */
  addressSpace?: { ipv4: string[]; ipv6: string[] };
  /** a tenant's code by its id (the project name a tenant is looked up by); without it only `tenancy.projects` maps */
  tenantCode?: (tenantId: string) => Promise<string | null>;
  /** injectable for tests */
  fetch?: typeof fetch;
};

type DriverShape = CloudDriver & { acls: ReturnType<typeof aclOps>; settled(): Promise<void> };

/** A network ACL as FWaaS v2 receives it: one firewall group, an ingress and an egress policy of ordered rules. */
export type AclSync = {
  /** the firewall group of an earlier sync, or null the first time */
  ref: string | null;
  name: string;
  rules: { direction: 'ingress' | 'egress'; priority: number; action: 'allow' | 'deny'; protocol: string; source: string | null; destination: string | null; destinationPort: string | null }[];
  portRefs: string[];
};

const DESCRIBE_TTL_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const micro = (v: string) => Number(v.split('.')[1] ?? 0);
const PURPOSE_KEY = 'yiyun:purpose';

/**
 * The OpenStack driver: one zone's region behind Keystone v3, talking to Nova, Neutron, Cinder and Glance through a
 * thin typed client. Tenants live either all in the one project of the configured credentials (`tenancy.mode`
 * `shared`) or each in its own project (`project-per-tenant`: `forTenant` gives a driver whose every call carries
 * that project's token). Ownership, quotas, tags, the recycle bin and orders are the control plane's (see
 * docs/cloud.md). Resources carry the tenant's id in their description/metadata so an operator can trace them.
 */
export function createOpenStackDriver(opts: OpenStackDriverOptions): DriverShape & { forTenant(tenantId: string): CloudDriver; projectOf(tenantId: string): Promise<string | null> } {
  const { config, zone } = opts;
  const client = createOpenStackClient({
    zone,
    authUrl: config.authUrl,
    region: config.region,
    credentials: config.credentials as never,
    interface: config.interface,
    novaMicroversion: config.novaMicroversion,
    cinderMicroversion: config.cinderMicroversion,
    timeoutMs: config.timeoutMs,
    logger: opts.logger as never,
    fetch: opts.fetch,
  });
  const timings = { ...DEFAULT_TIMINGS, ...config.timings };
  const subnetNetwork = new Map<string, string>();
  const background = new Set<Promise<void>>();
  let described: { at: number; view: RegionView; flavors: NovaFlavor[] } | null = null;
  const perTenant = config.tenancy.mode === 'project-per-tenant';
  const projects = projectResolver(zone, client, config.tenancy, opts.tenantCode, opts.logger);
  const home = bind(client);
  const bound = new Map<string, DriverShape>();
  return Object.assign(home, {
    /** The driver acting in the tenant's own project (the zone's project when tenants share it). */
    forTenant(tenantId: string): CloudDriver {
      if (!perTenant) return home;
      let d = bound.get(tenantId);
      if (!d) bound.set(tenantId, (d = bind(client.scoped(() => projects.resolve(tenantId)))));
      return d;
    },
    /** The project a tenant's resources live in (its own, or the zone's shared one: null). */
    projectOf: (tenantId: string): Promise<string | null> => (perTenant ? projects.resolve(tenantId) : Promise.resolve(null)),
  });

  /** Every CloudDriver call over one scope's calls: the zone's project (home) or one tenant's. */
  function bind(c: OpenStackCalls): DriverShape {
    const n = nova(c);
    const net = neutron(c);
    const vol = cinder(c);
    const img = glance(c);
    // Glance members are projects: a tenant's project in project-per-tenant mode, our tenant id when all share one.
    const memberId = (tenant: string) => (perTenant ? projects.resolve(tenant) : Promise.resolve(tenant));

    /** Polls `read` until `done` says yes; `failed` ends it at once; bounded by waitTimeoutMs. */
    async function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, failed: (v: T) => string | null = () => null): Promise<T> {
      const until = Date.now() + config.waitTimeoutMs;
      for (;;) {
        const v = await read();
        const f = failed(v);
        if (f) throw new UpstreamError(`OpenStack ${zone}: ${what}: ${f}`, { code: 'cloud.upstream_failed' });
        if (done(v)) return v;
        if (Date.now() > until) throw new UpstreamError(`OpenStack ${zone}: ${what} did not finish within ${config.waitTimeoutMs} ms`, { code: 'cloud.upstream_timeout' });
        await sleep(config.pollMs);
      }
    }

    const volumeReady = (id: string, what: string) =>
      waitFor<CinderVolume | undefined>(
        what,
        () => vol.getVolume(id),
        (v) => v?.status === 'available',
        (v) => (!v ? 'the volume disappeared' : /error/.test(v.status) ? `the volume went to ${v.status}` : null),
      );

    async function describe(): Promise<RegionView> {
      if (described && Date.now() - described.at < DESCRIBE_TTL_MS) return described.view;
      const [flavors, images, types, externals] = await Promise.all([n.flavors(), img.publicImages(), vol.types(), net.externalNetworks()]);
      // Tenants may not see hypervisors or zones (admin APIs): capacity is then unknown (zeros), not an error.
      const [hv, azs] = await Promise.all([n.hypervisors().catch(() => []), n.availabilityZones().catch(() => [])]);
      const floating = await Promise.all(externals.map(async (e) => (e.subnets?.[0] ? (await net.getSubnet(e.subnets[0]).catch(() => undefined))?.cidr ?? '' : '')));
      const view: RegionView = {
        zone,
        policyZone: zone.replace(/^liangcheng-/, ''),
        title: `${zone} (OpenStack ${config.region})`,
        region: config.region,
        azs: azs.filter((a) => a.zoneState.available).map((a) => a.zoneName),
        driver: 'openstack',
        flavors: flavors.map((f) => {
          const ramGb = Math.round(f.ram / 1024);
          const purpose = f.extra_specs?.[PURPOSE_KEY] === 'large-memory' || (!f.extra_specs?.[PURPOSE_KEY] && ramGb / Math.max(1, f.vcpus) >= 8) ? 'large-memory' : 'general';
          return { name: f.name, vcpus: f.vcpus, ramGb, diskGb: f.disk, purpose };
        }),
        images: images.map((i) => ({ id: i.id, name: i.name, osType: i.os_type === 'windows' ? 'windows' : 'linux', format: i.disk_format === 'qcow2' || i.disk_format === 'vhd' ? i.disk_format : 'raw', minDiskGb: i.min_disk ?? 0 })),
        externalNetworks: externals.map((e, i) => ({ name: e.name, floatingCidr: floating[i] ?? '' })),
        volumeTypes: types.map((t) => ({ name: t.name, backend: t.extra_specs?.volume_backend_name ?? t.name, encryption: t.extra_specs?.['yiyun:encryption'] ?? 'none', replicas: Number(t.extra_specs?.['yiyun:replicas'] ?? 1) })),
        addressSpace: opts.addressSpace ?? { ipv4: [], ipv6: [] },
        capacity: {
          vcpus: hv.reduce((a, h) => a + (h.vcpus ?? 0), 0),
          ramGb: Math.round(hv.reduce((a, h) => a + (h.memory_mb ?? 0), 0) / 1024),
          usedVcpus: hv.reduce((a, h) => a + (h.vcpus_used ?? 0), 0),
          usedRamGb: Math.round(hv.reduce((a, h) => a + (h.memory_mb_used ?? 0), 0) / 1024),
          hosts: hv.length,
        },
      };
      described = { at: Date.now(), view, flavors };
      return view;
    }

    async function flavorRef(f: FlavorSeed): Promise<string> {
      await describe();
      const found = described!.flavors.find((x) => x.name === f.name);
      if (!found) throw new InputError(`zone ${zone} has no flavor ${f.name}`, { fields: [{ path: 'spec.flavor', message: 'unknown flavor' }] });
      return found.id;
    }

    async function networkOfSubnet(subnetRef: string): Promise<string> {
      const known = subnetNetwork.get(subnetRef);
      if (known) return known;
      const s = await net.getSubnet(subnetRef);
      subnetNetwork.set(subnetRef, s.network_id);
      return s.network_id;
    }

    async function externalNetworkId(name?: string): Promise<string> {
      const wanted = name ?? config.externalNetwork;
      const all = await net.externalNetworks();
      const hit = all.find((e) => !wanted || e.name === wanted || e.id === wanted);
      if (!hit) throw new InputError(`zone ${zone} has no external network ${wanted ?? ''}`.trim(), { code: 'cloud.no_external_network' });
      return hit.id;
    }

    /** Runs `work` after the caller's answer (e.g. confirming a resize); failures are logged, never thrown. */
    function later(what: string, work: () => Promise<void>) {
      const p = work()
        .catch((err: unknown) => opts.logger.warn({ zone, what, code: isYiyunError(err) ? err.code : 'error', msg: (err as Error).message }, 'OpenStack follow-up failed'))
        .finally(() => background.delete(p));
      background.add(p);
    }

    async function createServer(input: CreateServerRequest) {
      const flavor = await flavorRef(input.flavor);
      let keyName: string | undefined;
      if (input.keyName && input.publicKey) {
        keyName = `yiyun-${input.keyName}`;
        // Nova needs the key registered under a name; our key pair's id makes the name, so a 409 means "already there".
        await n.importKeypair(keyName, input.publicKey).catch((err: unknown) => {
          if (!(err instanceof ConflictError)) throw err;
        });
      }
      const boot = input.volumes?.find((v) => v.boot);
      const bdm: BlockDevice[] | undefined = input.volumes?.length
        ? [...(boot ? [boot] : []), ...input.volumes.filter((v) => !v.boot)].map((v) => ({ uuid: v.ref, source_type: 'volume', destination_type: 'volume', boot_index: v.boot ? 0 : -1, delete_on_termination: false }))
        : undefined;
      const created = await n.createServer(
        {
          name: input.name,
          flavorRef: flavor,
          ...(boot ? {} : { imageRef: input.imageRef }),
          networks: input.portRefs.filter(Boolean).map((port) => ({ port })),
          ...(keyName ? { key_name: keyName } : {}),
          ...(input.adminPass ? { adminPass: input.adminPass } : {}),
          ...(input.userData ? { user_data: Buffer.from(input.userData, 'utf8').toString('base64') } : {}),
          ...(input.az ? { availability_zone: input.az } : {}),
          metadata: { 'yiyun-tenant': input.tenantId },
          ...(bdm ? { block_device_mapping_v2: bdm } : {}),
        },
        input.serverGroup ? { group: input.serverGroup.ref } : undefined,
      );
      const s = await n.getServer(created.id);
      if (s.status === 'ERROR') {
        const why = s.fault?.message ?? 'the server went to ERROR';
        await n.deleteServer(created.id).catch(() => {});
        if (/no valid host/i.test(why)) throw new ConflictError(`no valid host: ${why}`, { code: input.serverGroup?.policy === 'anti-affinity' ? 'cloud.anti_affinity' : 'cloud.no_valid_host' });
        throw new UpstreamError(`OpenStack ${zone}: ${why}`, { code: 'cloud.upstream_failed' });
      }
      return { ref: created.id, host: s['OS-EXT-SRV-ATTR:host'] ?? s.hostId ?? '', az: s['OS-EXT-AZ:availability_zone'] ?? input.az ?? '', volumesAttached: !!bdm };
    }

    const acls = aclOps(net);
    return {
      kind: 'openstack',
      zone,
      timings,
      describe,
      async hosts(): Promise<HostView[]> {
        const hv = await n.hypervisors();
        return hv.map((h) => ({ id: String(h.id), name: h.hypervisor_hostname, az: '', aggregate: '', purpose: 'general', vcpus: h.vcpus ?? 0, ramGb: Math.round((h.memory_mb ?? 0) / 1024), usedVcpus: h.vcpus_used ?? 0, usedRamGb: Math.round((h.memory_mb_used ?? 0) / 1024), servers: h.running_vms ?? 0 }));
      },

      createNetwork: async (input) => ({ ref: (await net.createNetwork(input.name, `yiyun tenant ${input.tenantId}`)).id }),
      deleteNetwork: (ref) => net.deleteNetwork(ref),
      async createSubnet(input) {
        const v6 = input.cidr.includes(':');
        const mode = input.dhcp ? 'dhcpv6-stateful' : 'slaac';
        const s = await net.createSubnet({
          network_id: input.networkRef,
          name: input.name,
          cidr: input.cidr,
          ip_version: v6 ? 6 : 4,
          ...(input.gateway ? { gateway_ip: input.gateway } : {}),
          enable_dhcp: v6 ? true : input.dhcp,
          dns_nameservers: input.dns.filter((d) => d.includes(':') === v6),
          ...(v6 ? { ipv6_ra_mode: mode, ipv6_address_mode: mode } : {}),
        });
        subnetNetwork.set(s.id, input.networkRef);
        return { ref: s.id };
      },
      deleteSubnet: (ref) => net.deleteSubnet(ref),
      async createPort(input) {
        const p = await net.createPort({
          network_id: await networkOfSubnet(input.subnetRef),
          name: input.name,
          fixed_ips: [{ subnet_id: input.subnetRef, ...(input.ip ? { ip_address: input.ip } : {}) }],
          // No group given means no group: the project's default group would allow traffic we did not admit.
          security_groups: input.securityGroupRefs ?? [],
        });
        const ip = p.fixed_ips.find((f) => f.subnet_id === input.subnetRef)?.ip_address ?? p.fixed_ips[0]?.ip_address;
        if (!ip) throw new UpstreamError(`OpenStack ${zone}: the port got no address`, { code: 'cloud.upstream_failed' });
        return { ref: p.id, ip };
      },
      deletePort: (ref) => net.deletePort(ref),
      async setAllowedAddressPairs(portRef, ips) {
        await net.updatePort(portRef, { allowed_address_pairs: ips.map((ip) => ({ ip_address: ip })) });
      },
      async allocateFloatingIp(input) {
        const f = await net.createFloatingIp(await externalNetworkId(input.network), `yiyun tenant ${input.tenantId}`);
        return { ref: f.id, ip: f.floating_ip_address };
      },
      releaseFloatingIp: (ref) => net.deleteFloatingIp(ref),

      async createSecurityGroup(input) {
        const g = await net.createSecurityGroup(input.name, `yiyun tenant ${input.tenantId}`);
        // Neutron adds allow-all egress rules to a new group; ours deny until a rule allows.
        for (const r of g.security_group_rules ?? []) await net.deleteRule(r.id);
        return { ref: g.id };
      },
      deleteSecurityGroup: (ref) => net.deleteSecurityGroup(ref),
      async createSecurityGroupRule(input) {
        const r = await net.createRule({ security_group_id: input.groupRef, direction: input.direction, ethertype: input.ethertype, protocol: input.protocol, port_range_min: input.portMin, port_range_max: input.portMax, remote_ip_prefix: input.remoteIpPrefix });
        return { ref: r.id };
      },
      deleteSecurityGroupRule: (ref) => net.deleteRule(ref),

      async createServerGroup(input) {
        const g = await n.createServerGroup(input.name, input.policy, micro(config.novaMicroversion) >= 64);
        return { ref: g.id };
      },
      deleteServerGroup: (ref) => n.deleteServerGroup(ref),
      createServer,
      async serverAction(ref, action) {
        if (action === 'start') await n.start(ref);
        else if (action === 'stop') await n.stop(ref);
        else await n.reboot(ref, 'SOFT');
      },
      async resizeServer(ref, flavor) {
        await n.resize(ref, await flavorRef(flavor));
        // Nova parks a resized server in VERIFY_RESIZE until confirmed: confirm it once it gets there.
        later(`confirm resize of ${ref}`, async () => {
          await waitFor('resize', () => n.getServer(ref), (s) => s.status === 'VERIFY_RESIZE', (s) => (s.status === 'ERROR' ? (s.fault?.message ?? 'the server went to ERROR') : null));
          await n.confirmResize(ref);
        });
      },
      async serverStatus(ref) {
        try {
          const srv = await n.getServer(ref);
          return { status: srv.status ?? 'UNKNOWN', fault: srv.status === 'ERROR' ? (srv.fault?.message ?? 'the server went to ERROR') : null };
        } catch (err) {
          if (err instanceof NotFoundError) return { status: 'DELETED', fault: null };
          throw err;
        }
      },
      deleteServer: (ref) => n.deleteServer(ref),
      async consoleUrl(ref) {
        const c = await n.remoteConsole(ref);
        return { url: c.url, type: 'novnc' };
      },

      async createVolume(input) {
        const v = await vol.createVolume({
          size: input.sizeGb,
          name: input.name,
          volume_type: input.volumeType,
          ...(input.fromSnapshotRef ? { snapshot_id: input.fromSnapshotRef } : {}),
          ...(input.fromBackupRef ? { backup_id: input.fromBackupRef } : {}),
          ...(input.imageRef ? { imageRef: input.imageRef } : {}),
        });
        // Nova boots from and attaches only available volumes: wait for Cinder (bounded).
        if (v.status !== 'available') {
          try {
            await volumeReady(v.id, `volume ${input.name}`);
          } catch (err) {
            await vol.deleteVolume(v.id).catch(() => {});
            throw err;
          }
        }
        // Replica placement is the storage backend's (Ceph): the driver reports none of its own.
        return { ref: v.id, replicas: [] };
      },
      async extendVolume(ref, sizeGb) {
        await vol.extend(ref, sizeGb);
      },
      async deleteVolume(ref) {
        // A volume of a server being deleted stays in-use/detaching for a moment: wait until it is free (or gone).
        const v = await waitFor('volume release', () => vol.getVolume(ref), (x) => !x || !['in-use', 'detaching', 'attaching', 'creating', 'reserved'].includes(x.status));
        if (v) await vol.deleteVolume(ref);
      },
      async attachVolume(serverRef, volumeRef) {
        await n.attachVolume(serverRef, volumeRef);
      },
      detachVolume: (serverRef, volumeRef) => n.detachVolume(serverRef, volumeRef),
      createSnapshot: async (volumeRef, name) => ({ ref: (await vol.createSnapshot(volumeRef, name)).id }),
      deleteSnapshot: (ref) => vol.deleteSnapshot(ref),
      async revertToSnapshot(volumeRef, snapshotRef) {
        await vol.revert(volumeRef, snapshotRef);
      },
      createBackup: async (input) => ({ ref: (await vol.createBackup(input.volumeRef, input.name, input.incremental)).id }),
      async restoreBackup(backupRef, volumeRef) {
        await vol.restoreBackup(backupRef, volumeRef);
      },
      deleteBackup: (ref) => vol.deleteBackup(ref),
      async importImage(input) {
        const image = await img.createImage({ name: input.name, disk_format: input.format, container_format: 'bare', visibility: 'private' });
        if (input.sourceUrl) await img.importImage(image.id, input.sourceUrl);
        const steps = ['create', input.sourceUrl ? 'web-download' : 'await upload'];
        // Glance's image_conversion import plugin converts to raw (what Ceph-backed Nova boots from without a copy).
        if (input.format !== 'raw') steps.push(`convert ${input.format} → raw`);
        steps.push('verify');
        return { ref: image.id, steps };
      },
      deleteImage: (ref) => img.deleteImage(ref),
      setImageVisibility: async (ref, visibility) => {
        await img.setVisibility(ref, visibility);
      },
      addImageMember: async (ref, member) => {
        await img.addMember(ref, await memberId(member));
      },
      removeImageMember: async (ref, member) => img.removeMember(ref, await memberId(member)),
      async setImageMemberStatus(ref, member, status) {
        // When every tenant shares one project, Glance's member is no real project and only that project could
        // answer for it: the control plane's record is then the whole truth.
        if (!perTenant) return;
        const project = await projects.resolve(member);
        // Glance lets only the member project change its status: the call carries the member's token.
        await glance(client.scoped(project)).setMemberStatus(ref, project, status);
      },

      acls,
      syncAcl: (input, state) => acls.sync(input, state),
      async deleteAcl(state) {
        const st = state as AclProviderState & { policies: { ingress: string; egress: string }; rules: string[] };
        // A group guarding ports cannot be deleted: unbind first.
        await net.updateFirewallGroupPorts(st.ref, []);
        await acls.remove(st.ref, st.policies, st.rules);
      },
      /** Resolves when the follow-ups started so far (resize confirmations) have finished. */
      async settled() {
        while (background.size) await Promise.all([...background]);
      },
    };
  }
}

/** FWaaS v2 for network ACLs: the control plane keeps the rules (import/export, priorities); this mirrors them. */
function aclOps(net: ReturnType<typeof neutron>) {
  const toRule = (r: AclSync['rules'][number], name: string): Omit<FirewallRule, 'id'> => ({
    name,
    action: r.action,
    protocol: r.protocol === 'any' ? null : r.protocol,
    source_ip_address: r.source,
    destination_ip_address: r.destination,
    destination_port: r.destinationPort ? r.destinationPort.replace('-', ':') : null,
    ip_version: (r.source ?? r.destination ?? '').includes(':') ? 6 : 4,
    enabled: true,
  });
  return {
    /**
     * Creates the ACL's firewall group with its two policies, rules in priority order (FWaaS evaluates a policy's
     * rules in list order, first match wins — the same as our priorities). Returns the group's id.
     */
    async create(acl: AclSync): Promise<{ ref: string; policies: { ingress: string; egress: string }; rules: string[] }> {
      const made: string[] = [];
      const policyOf = async (direction: 'ingress' | 'egress') => {
        const ids: string[] = [];
        for (const r of acl.rules.filter((x) => x.direction === direction).sort((a, b) => a.priority - b.priority)) {
          const fr = await net.createFirewallRule(toRule(r, `${acl.name}-${direction}-${r.priority}`));
          ids.push(fr.id);
          made.push(fr.id);
        }
        return (await net.createFirewallPolicy(`${acl.name}-${direction}`, ids)).id;
      };
      const ingress = await policyOf('ingress');
      const egress = await policyOf('egress');
      const g = await net.createFirewallGroup({ name: acl.name, ingress_firewall_policy_id: ingress, egress_firewall_policy_id: egress, ports: acl.portRefs });
      return { ref: g.id, policies: { ingress, egress }, rules: made };
    },
    /** Adds one rule after another in a policy (insert_rule). */
    insertRule: async (policyRef: string, rule: AclSync['rules'][number], name: string, after?: string) => {
      const fr = await net.createFirewallRule(toRule(rule, name));
      await net.insertFirewallRule(policyRef, fr.id, after);
      return { ref: fr.id };
    },
    removeRule: async (policyRef: string, ruleRef: string) => {
      await net.removeFirewallRule(policyRef, ruleRef);
      await net.deleteFirewallRule(ruleRef);
    },
    /**
     * Makes FWaaS hold the ACL as given: the first time a group with two policies; afterwards fresh rules in
     * priority order swapped into each policy by one PUT (the old rules are deleted after the swap, so the
     * policy is never half-updated), and the group bound to the router ports of the ACL's subnets (none when
     * the ACL is disabled).
     */
    async sync(acl: AclDesired, state: AclProviderState | null): Promise<AclProviderState> {
      const portRefs = acl.enabled ? [...new Set((await Promise.all(acl.subnetRefs.map((s) => net.routerPortsOfSubnet(s)))).flat())] : [];
      if (!state) {
        const made = await this.create({ ref: null, name: acl.name, rules: acl.rules, portRefs });
        return { ref: made.ref, policies: made.policies, rules: made.rules, ports: portRefs };
      }
      const prev = state as AclProviderState & { policies: { ingress: string; egress: string }; rules: string[] };
      const fresh: string[] = [];
      for (const direction of ['ingress', 'egress'] as const) {
        const ids: string[] = [];
        for (const r of acl.rules.filter((x) => x.direction === direction).sort((a, b) => a.priority - b.priority)) {
          ids.push((await net.createFirewallRule(toRule(r, `${acl.name}-${direction}-${r.priority}`))).id);
        }
        await net.updateFirewallPolicy(prev.policies[direction], ids);
        fresh.push(...ids);
      }
      for (const old of prev.rules) await net.deleteFirewallRule(old);
      await net.updateFirewallGroupPorts(prev.ref, portRefs);
      return { ref: prev.ref, policies: prev.policies, rules: fresh, ports: portRefs };
    },
    /** Associates the ACL with the ports of its subnets. */
    setPorts: (groupRef: string, portRefs: string[]) => net.updateFirewallGroupPorts(groupRef, portRefs),
    async remove(groupRef: string, policies: { ingress: string; egress: string }, rules: string[]) {
      await net.deleteFirewallGroup(groupRef);
      await net.deleteFirewallPolicy(policies.ingress);
      await net.deleteFirewallPolicy(policies.egress);
      for (const r of rules) await net.deleteFirewallRule(r);
    },
  };
}

