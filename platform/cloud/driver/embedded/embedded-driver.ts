import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { moduleFromDir } from '../../../../core/db';
import { ConflictError, InputError, NotFoundError } from '../../../../core/errors';
import { canonicalIp, firstFreeIp, parseCidr, type Timings } from '../../cloud-fns';
import { DEFAULT_TIMINGS, type CloudDriver, type CreateServerRequest, type FlavorSeed, type HostView, type RegionSeed, type RegionView } from '../cloud-driver';

/** The embedded region's schema and migrations. */
export const embeddedModule = () => moduleFromDir('cloud_embedded', 'cloud_embedded', path.join(__dirname, 'migrations'));

type HostRow = { id: string; name: string; az: string; aggregate: string; purpose: string; vcpus: number; ram_gb: number; used_vcpus: number; used_ram_gb: number };

/**
 * Chooses a host for a VM: the flavor's purpose must match the host's aggregate, vCPU and RAM must fit;
 * strong anti-affinity excludes hosts already holding a member of the group, soft anti-affinity only
 * prefers the others. Among the candidates the one with most free RAM wins (spread). Pure.
 */
export function chooseHost(
  hosts: readonly HostRow[],
  flavor: FlavorSeed,
  groupHosts: ReadonlySet<string>,
  policy: 'anti-affinity' | 'soft-anti-affinity' | null,
  az?: string | null,
): { host: HostRow } | { refused: string } {
  const fit = hosts.filter(
    (h) => h.purpose === flavor.purpose && (!az || h.az === az) && h.vcpus - h.used_vcpus >= flavor.vcpus && h.ram_gb - h.used_ram_gb >= flavor.ramGb,
  );
  if (fit.length === 0) return { refused: `no host has ${flavor.vcpus} vCPU and ${flavor.ramGb} GB RAM free for flavor ${flavor.name}` };
  const apart = fit.filter((h) => !groupHosts.has(h.id));
  let pool = fit;
  if (policy === 'anti-affinity') {
    if (apart.length === 0) return { refused: 'strong anti-affinity: every host with capacity already holds a member of the server group' };
    pool = apart;
  } else if (policy === 'soft-anti-affinity' && apart.length > 0) pool = apart;
  const best = [...pool].sort((a, b) => b.ram_gb - b.used_ram_gb - (a.ram_gb - a.used_ram_gb) || a.name.localeCompare(b.name))[0]!;
  return { host: best };
}

export type EmbeddedDriverOptions = { db: Kysely<any>; seed: RegionSeed; timings?: Partial<Timings> };

/** A region simulated in the database: real capacity accounting, placement and address allocation. */
export function createEmbeddedDriver(opts: EmbeddedDriverOptions): CloudDriver & { bootstrap(): Promise<boolean> } {
  const { db, seed } = opts;
  const zone = seed.zone;
  const timings: Timings = { ...DEFAULT_TIMINGS, ...(opts.timings ?? {}) };
  const t = (name: string) => `cloud_embedded.${name}`;

  async function lockZoneHosts(tx: Kysely<any>): Promise<HostRow[]> {
    // Every placement in a zone takes the zone's host rows FOR UPDATE, in a fixed order: concurrent creates
    // racing for the last capacity queue here and each sees the others' committed usage.
    const r = await sql<HostRow>`select * from cloud_embedded.hosts where zone = ${zone} order by name for update`.execute(tx);
    return r.rows;
  }

  const noop = async () => {};

  return {
    kind: 'embedded',
    zone,
    timings,

    /** Writes the seed's hosts once; true when this call bootstrapped the region. */
    async bootstrap() {
      return db.transaction().execute(async (tx) => {
        const inserted = await sql`insert into cloud_embedded.regions (zone, seed) values (${zone}, ${JSON.stringify(seed)}::jsonb) on conflict (zone) do nothing returning zone`.execute(tx);
        if (inserted.rows.length === 0) return false;
        for (const h of seed.hosts) {
          await tx.insertInto(t('hosts')).values({ zone, name: h.name, az: h.az, aggregate: h.aggregate, purpose: h.purpose, vcpus: h.vcpus, ram_gb: h.ramGb }).execute();
        }
        return true;
      });
    },

    async describe(): Promise<RegionView> {
      const r = await sql<{ v: number; r: number; uv: number; ur: number; n: number }>`select coalesce(sum(vcpus),0)::int v, coalesce(sum(ram_gb),0)::int r, coalesce(sum(used_vcpus),0)::int uv, coalesce(sum(used_ram_gb),0)::int ur, count(*)::int n from cloud_embedded.hosts where zone = ${zone}`.execute(db);
      const c = r.rows[0]!;
      const { hosts: _h, storageNodes: _s, ...rest } = seed;
      return { ...rest, driver: 'embedded', capacity: { vcpus: c.v, ramGb: c.r, usedVcpus: c.uv, usedRamGb: c.ur, hosts: c.n } };
    },

    async hosts(): Promise<HostView[]> {
      const r = await sql<HostRow & { servers: number }>`select h.*, (select count(*)::int from cloud_embedded.servers s where s.host_id = h.id) servers from cloud_embedded.hosts h where zone = ${zone} order by name`.execute(db);
      return r.rows.map((h) => ({ id: h.id, name: h.name, az: h.az, aggregate: h.aggregate, purpose: h.purpose as HostView['purpose'], vcpus: h.vcpus, ramGb: h.ram_gb, usedVcpus: h.used_vcpus, usedRamGb: h.used_ram_gb, servers: h.servers }));
    },

    createNetwork: async () => ({ ref: randomUUID() }),
    deleteNetwork: noop,

    async createSubnet(input) {
      const p = parseCidr(input.cidr);
      if (!p) throw new InputError(`not a network prefix: ${input.cidr}`);
      const row = await db.insertInto(t('subnets')).values({ zone, cidr: input.cidr, gateway: input.gateway }).returning('id').executeTakeFirstOrThrow();
      return { ref: row.id as string };
    },
    async deleteSubnet(ref) {
      await db.deleteFrom(t('subnets')).where('id', '=', ref).execute();
    },

    async createPort(input) {
      return db.transaction().execute(async (tx) => {
        // The subnet row is the allocation lock: two ports of one subnet are allocated one after the other.
        const s = await sql<{ cidr: string; gateway: string | null }>`select cidr, gateway from cloud_embedded.subnets where id = ${input.subnetRef} for update`.execute(tx);
        const sub = s.rows[0];
        if (!sub) throw new NotFoundError('no such subnet in the region', { code: 'cloud.subnet_not_found' });
        const p = parseCidr(sub.cidr)!;
        const used = new Set((await tx.selectFrom(t('ports')).select('ip').where('subnet_id', '=', input.subnetRef).execute()).map((r) => r.ip as string));
        if (sub.gateway) used.add(canonicalIp(sub.gateway) ?? sub.gateway);
        let ip: string | undefined;
        if (input.ip) {
          ip = canonicalIp(input.ip);
          if (!ip) throw new InputError(`not an IP address: ${input.ip}`);
          if (used.has(ip)) throw new ConflictError(`the address ${ip} is already in use on this subnet`, { code: 'cloud.ip_in_use' });
        } else {
          ip = firstFreeIp(p, used);
          if (!ip) throw new ConflictError(`the subnet ${sub.cidr} has no free address left`, { code: 'cloud.ip_exhausted' });
        }
        const row = await tx.insertInto(t('ports')).values({ zone, subnet_id: input.subnetRef, ip }).returning('id').executeTakeFirstOrThrow();
        return { ref: row.id as string, ip };
      });
    },
    async deletePort(ref) {
      await db.deleteFrom(t('ports')).where('id', '=', ref).execute();
    },
    async setAllowedAddressPairs(portRef, ips) {
      await db.updateTable(t('ports')).set({ allowed_pairs: JSON.stringify(ips.map((ip) => ({ ip_address: ip }))) }).where('id', '=', portRef).execute();
    },

    async allocateFloatingIp(input) {
      const net = seed.externalNetworks.find((n) => !input.network || n.name === input.network);
      if (!net) throw new InputError(`no external network ${input.network}`);
      return db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${`fip:${zone}`}))`.execute(tx);
        const used = new Set((await tx.selectFrom(t('floating_ips')).select('ip').where('zone', '=', zone).execute()).map((r) => r.ip as string));
        const ip = firstFreeIp(parseCidr(net.floatingCidr)!, used);
        if (!ip) throw new ConflictError(`the external network ${net.name} has no free public address left`, { code: 'cloud.ip_exhausted' });
        const row = await tx.insertInto(t('floating_ips')).values({ zone, ip }).returning('id').executeTakeFirstOrThrow();
        return { ref: row.id as string, ip };
      });
    },
    async releaseFloatingIp(ref) {
      await db.deleteFrom(t('floating_ips')).where('id', '=', ref).execute();
    },

    createSecurityGroup: async () => ({ ref: randomUUID() }),
    deleteSecurityGroup: noop,
    createSecurityGroupRule: async () => ({ ref: randomUUID() }),
    deleteSecurityGroupRule: noop,

    async syncAcl(input, state) {
      const values = { zone, name: input.name, enabled: input.enabled, rules: JSON.stringify(input.rules), subnet_refs: JSON.stringify(input.subnetRefs), synced_at: new Date() };
      if (state) {
        const r = await db.updateTable(t('acls')).set(values).where('id', '=', state.ref).executeTakeFirst();
        if (Number(r.numUpdatedRows) > 0) return { ref: state.ref };
      }
      const row = await db.insertInto(t('acls')).values(values).returning('id').executeTakeFirstOrThrow();
      return { ref: row.id as string };
    },
    async deleteAcl(state) {
      await db.deleteFrom(t('acls')).where('id', '=', state.ref).execute();
    },

    async createServerGroup(input) {
      const row = await db.insertInto(t('server_groups')).values({ zone, policy: input.policy }).returning('id').executeTakeFirstOrThrow();
      return { ref: row.id as string };
    },
    async deleteServerGroup(ref) {
      const n = await sql<{ n: number }>`select count(*)::int n from cloud_embedded.servers where group_id = ${ref}`.execute(db);
      if ((n.rows[0]?.n ?? 0) > 0) throw new ConflictError('the server group still has members', { code: 'cloud.group_in_use' });
      await db.deleteFrom(t('server_groups')).where('id', '=', ref).execute();
    },

    async createServer(input: CreateServerRequest) {
      return db.transaction().execute(async (tx) => {
        const hosts = await lockZoneHosts(tx);
        const groupHosts = new Set<string>();
        if (input.serverGroup) {
          const g = await sql<{ host_id: string }>`select host_id from cloud_embedded.servers where group_id = ${input.serverGroup.ref}`.execute(tx);
          for (const r of g.rows) groupHosts.add(r.host_id);
        }
        const choice = chooseHost(hosts, input.flavor, groupHosts, input.serverGroup?.policy ?? null, input.az);
        if ('refused' in choice) throw new ConflictError(`no valid host: ${choice.refused}`, { code: input.serverGroup?.policy === 'anti-affinity' && /anti-affinity/.test(choice.refused) ? 'cloud.anti_affinity' : 'cloud.no_valid_host' });
        const h = choice.host;
        await sql`update cloud_embedded.hosts set used_vcpus = used_vcpus + ${input.flavor.vcpus}, used_ram_gb = used_ram_gb + ${input.flavor.ramGb} where id = ${h.id}`.execute(tx);
        const row = await tx
          .insertInto(t('servers'))
          .values({ zone, host_id: h.id, group_id: input.serverGroup?.ref ?? null, vcpus: input.flavor.vcpus, ram_gb: input.flavor.ramGb, busy: 'BUILD', busy_until: sql`now() + ${timings.buildMs} * interval '1 millisecond'` })
          .returning('id')
          .executeTakeFirstOrThrow();
        return { ref: row.id as string, host: h.name, az: h.az };
      });
    },

    async serverAction(ref, action) {
      const r = await db.updateTable(t('servers')).set({ power: action === 'stop' ? 'off' : 'on' }).where('id', '=', ref).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw new NotFoundError('no such server in the region', { code: 'cloud.server_not_found' });
    },

    async resizeServer(ref, flavor) {
      await db.transaction().execute(async (tx) => {
        const hosts = await lockZoneHosts(tx);
        const s = await sql<{ host_id: string; vcpus: number; ram_gb: number }>`select host_id, vcpus, ram_gb from cloud_embedded.servers where id = ${ref}`.execute(tx);
        const srv = s.rows[0];
        if (!srv) throw new NotFoundError('no such server in the region', { code: 'cloud.server_not_found' });
        const h = hosts.find((x) => x.id === srv.host_id)!;
        const dv = flavor.vcpus - srv.vcpus;
        const dr = flavor.ramGb - srv.ram_gb;
        // Resize in place (the embedded region does not migrate): the host must hold the difference.
        if (h.purpose !== flavor.purpose || h.vcpus - h.used_vcpus < dv || h.ram_gb - h.used_ram_gb < dr) {
          throw new ConflictError(`no valid host: ${h.name} cannot hold flavor ${flavor.name}`, { code: 'cloud.no_valid_host' });
        }
        await sql`update cloud_embedded.hosts set used_vcpus = used_vcpus + ${dv}, used_ram_gb = used_ram_gb + ${dr} where id = ${h.id}`.execute(tx);
        await tx.updateTable(t('servers')).set({ vcpus: flavor.vcpus, ram_gb: flavor.ramGb, busy: 'RESIZE', busy_until: sql`now() + ${timings.resizeMs} * interval '1 millisecond'` }).where('id', '=', ref).execute();
      });
    },

    async serverStatus(ref) {
      // The simulated hypervisor is busy (BUILD, RESIZE) for the zone's timing, then the power state shows.
      const r = await sql<{ busy: string | null; busy_now: boolean; power: string }>`select busy, busy_until > now() as busy_now, power from cloud_embedded.servers where id = ${ref}`.execute(db);
      const srv = r.rows[0];
      if (!srv) return { status: 'DELETED', fault: null };
      if (srv.busy && srv.busy_now) return { status: srv.busy, fault: null };
      return { status: srv.power === 'off' ? 'SHUTOFF' : 'ACTIVE', fault: null };
    },

    async deleteServer(ref) {
      await db.transaction().execute(async (tx) => {
        await lockZoneHosts(tx);
        const s = await sql<{ host_id: string; vcpus: number; ram_gb: number }>`delete from cloud_embedded.servers where id = ${ref} returning host_id, vcpus, ram_gb`.execute(tx);
        const srv = s.rows[0];
        if (!srv) return;
        await sql`update cloud_embedded.hosts set used_vcpus = used_vcpus - ${srv.vcpus}, used_ram_gb = used_ram_gb - ${srv.ram_gb} where id = ${srv.host_id}`.execute(tx);
      });
    },

    async consoleUrl(ref) {
      return { url: `/console/vnc.html?region=${encodeURIComponent(zone)}&server=${ref}&token=${randomUUID()}`, type: 'novnc' };
    },

    async createVolume(input) {
      const vt = seed.volumeTypes.find((v) => v.name === input.volumeType);
      if (!vt) throw new InputError(`no volume type ${input.volumeType} in ${zone}`);
      // Three replicas on distinct storage nodes, rotated so volumes spread over the backend.
      const n = seed.storageNodes.length;
      const start = Math.floor(Math.random() * n);
      const replicas = Array.from({ length: Math.min(vt.replicas, n) }, (_, i) => seed.storageNodes[(start + i) % n]!);
      const row = await db.insertInto(t('volumes')).values({ zone, backend: vt.backend, size_gb: input.sizeGb, replicas: JSON.stringify(replicas) }).returning('id').executeTakeFirstOrThrow();
      return { ref: row.id as string, replicas };
    },
    async extendVolume(ref, sizeGb) {
      await db.updateTable(t('volumes')).set({ size_gb: sizeGb }).where('id', '=', ref).execute();
    },
    async deleteVolume(ref) {
      await db.deleteFrom(t('volumes')).where('id', '=', ref).execute();
    },
    attachVolume: noop,
    detachVolume: noop,
    createSnapshot: async () => ({ ref: randomUUID() }),
    deleteSnapshot: noop,
    revertToSnapshot: noop,
    createBackup: async () => ({ ref: randomUUID() }),
    restoreBackup: noop,
    deleteBackup: noop,
    async importImage(input) {
      // The region stores raw images: anything else is converted on import (qemu-img convert -O raw).
      return { ref: randomUUID(), steps: input.format === 'raw' ? ['upload', 'verify'] : ['upload', `convert ${input.format} → raw`, 'verify'] };
    },
    deleteImage: noop,
    // Recorded as Glance would hold it, so the region's own view of an image's sharing can be inspected.
    async setImageVisibility(ref, visibility) {
      await sql`insert into cloud_embedded.image_sharing (ref, visibility) values (${ref}, ${visibility})
        on conflict (ref) do update set visibility = excluded.visibility, updated_at = now()`.execute(db);
    },
    async addImageMember(ref, member) {
      // A new member starts pending, as in Glance; adding a member again changes nothing.
      await sql`insert into cloud_embedded.image_sharing (ref, members, member_status) values (${ref}, array[${member}]::text[], jsonb_build_object(${member}::text, 'pending'))
        on conflict (ref) do update set
          member_status = case when ${member} = any(cloud_embedded.image_sharing.members) then cloud_embedded.image_sharing.member_status
            else cloud_embedded.image_sharing.member_status || jsonb_build_object(${member}::text, 'pending') end,
          members = case when ${member} = any(cloud_embedded.image_sharing.members) then cloud_embedded.image_sharing.members
            else array_append(cloud_embedded.image_sharing.members, ${member}) end, updated_at = now()`.execute(db);
    },
    async removeImageMember(ref, member) {
      await sql`update cloud_embedded.image_sharing set members = array_remove(members, ${member}), member_status = member_status - ${member}::text, updated_at = now() where ref = ${ref}`.execute(db);
    },
    // Glance answers 404 when the project is no member of the image; the same here.
    async setImageMemberStatus(ref, member, status) {
      const r = await sql`update cloud_embedded.image_sharing set member_status = member_status || jsonb_build_object(${member}::text, ${status}::text), updated_at = now()
        where ref = ${ref} and ${member} = any(members)`.execute(db);
      if (!Number(r.numAffectedRows ?? 0)) throw new NotFoundError(`image ${ref} has no member ${member}`, { code: 'cloud.upstream_not_found' });
    },
  };
}
