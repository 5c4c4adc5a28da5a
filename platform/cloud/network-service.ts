import type { z } from 'zod';
import type { Actor } from '../../core/authz';
import { sm3Hex } from '../../core/crypto';
import { ConflictError, InputError } from '../../core/errors';
import { ResourceTypes as T } from '../../policies';
import type { CloudCore, Scope } from './cloud-core';
import { toView, type ResourceRow } from './cloud-dal';
import { cidrContains, cidrOverlaps, ipIn, nthIp, parseCidr, parseCsv, prefixSize, toCsv, usableRange } from './cloud-fns';
import { aclRuleBody, type AclRuleInput, type SgRuleInput } from './cloud-schemas';
import type * as S from './cloud-schemas';
import type { AclProviderState } from './driver/cloud-driver';

const PRIVATE4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr(c)!);
export const ACL_COLUMNS = ['direction', 'priority', 'action', 'protocol', 'source', 'destination', 'destinationPort', 'description'] as const;

/** A security-group rule as the 等保 policies read it (admission, and the isolation check of cloud-evidence.ts). */
export const sgRuleDesc = (r: SgRuleInput) => ({
  type: T.secGroupRule,
  name: 'rule',
  props: { direction: r.direction, protocol: r.protocol === 'any' ? undefined : r.protocol, portRangeMin: r.portMin ?? undefined, portRangeMax: r.portMax ?? undefined, remoteIpPrefix: r.remoteIpPrefix ?? undefined, description: r.description },
});
const aclRuleDesc = (r: AclRuleInput) => ({
  type: T.fwRule,
  name: 'acl-rule',
  props: { action: r.action, protocol: r.protocol, sourceIpAddress: r.source, destinationIpAddress: r.destination, destinationPort: r.destinationPort || undefined, description: r.description },
});

/** VPCs, subnets, security groups, network ACLs, EIPs, HaVIPs, elastic NICs and key pairs. */
export function createNetworkService(core: CloudCore) {
  const { dal, db } = core.deps;

  /** Inserts a row under the tenant's quota lock, calls the driver after commit, records the provider's ref. */
  async function provision(s: Scope, action: `${string}.${string}`, row: Parameters<CloudCore['newRow']>[1], delta: Parameters<CloudCore['reserve']>[1], call: (r: ResourceRow) => Promise<{ ref: string | null; spec?: Record<string, unknown> }>): Promise<ResourceRow> {
    const created = await db.transaction().execute(async (tx) => {
      await core.reserve(s, delta, tx);
      const r = await dal.insert(core.newRow(s, { ...row, status: 'creating' }), tx);
      await core.audit(tx, s.actor, action, r, { after: core.summary(r) });
      return r;
    });
    try {
      const out = await call(created);
      return await dal.update(created.id, { provider_ref: out.ref, status: row.status, spec: { ...created.spec, ...(out.spec ?? {}) } });
    } catch (err) {
      await db.transaction().execute(async (tx) => {
        await dal.remove(created.id, tx);
        await core.audit(tx, s.actor, action, created, { outcome: 'failure', detail: { reason: (err as Error).message } });
      });
      throw err;
    }
  }

  async function removeWith(actor: Actor, row: ResourceRow, action: `${string}.${string}`, call: () => Promise<void>) {
    await call();
    await db.transaction().execute(async (tx) => {
      await dal.remove(row.id, tx);
      await core.audit(tx, actor, action, row, { before: core.summary(row) });
    });
  }

  async function patch(actor: Actor, row: ResourceRow, action: `${string}.${string}`, p: Partial<ResourceRow>, detail?: Record<string, unknown>) {
    return db.transaction().execute(async (tx) => {
      const after = await dal.update(row.id, p, tx);
      await core.audit(tx, actor, action, row, { before: core.summary(row), after: core.summary(after), detail });
      return after;
    });
  }

  async function subnetsOfVpc(vpcId: string) {
    return dal.children(vpcId, 'subnet');
  }

  async function vmNics(tenantId: string, vmId: string) {
    return dal.bySpec(tenantId, 'nic', 'vmId', vmId);
  }

  async function aclRules(aclId: string) {
    return dal.children(aclId, 'acl_rule');
  }

  const anyNet = (c: string | undefined) => (!c || c === '0.0.0.0/0' || c === '::/0' ? null : c);

  /**
   * Makes the zone's region enforce the ACL as recorded (OpenStack: FWaaS v2; embedded: its own table), after
   * the change committed (never a network call inside a transaction). The driver's answer is kept in
   * spec.provider for the next sync; a refusal marks the ACL `error` with the reason and reaches the caller.
   */
  async function pushAcl(s: Scope, aclId: string): Promise<void> {
    const acl = await dal.find(aclId);
    if (!acl) return;
    const rules = (await aclRules(aclId)).map((r) => ({
      direction: r.spec.direction as 'ingress' | 'egress',
      priority: r.spec.priority as number,
      action: r.spec.action as 'allow' | 'deny',
      protocol: (r.spec.protocol as string) ?? 'any',
      source: anyNet(r.spec.source as string | undefined),
      destination: anyNet(r.spec.destination as string | undefined),
      destinationPort: (r.spec.destinationPort as string) || null,
    })).sort((a, b) => a.direction.localeCompare(b.direction) || a.priority - b.priority);
    const subnets = await dal.byIds((acl.spec.subnetIds as string[]) ?? []);
    const enabled = acl.spec.enabled !== false;
    try {
      const state = await s.driver.syncAcl({ name: acl.name, tenantId: acl.tenant_id, enabled, rules, subnetRefs: subnets.map((x) => x.provider_ref).filter((x): x is string => !!x) }, (acl.spec.provider as AclProviderState | undefined) ?? null);
      const { syncError: _e, ...spec } = acl.spec;
      await dal.update(acl.id, { provider_ref: state.ref, status: enabled ? 'available' : 'disabled', spec: { ...spec, provider: state, syncedAt: new Date().toISOString() } });
    } catch (err) {
      await db.transaction().execute(async (tx) => {
        await dal.update(acl.id, { status: 'error', spec: { ...acl.spec, syncError: (err as Error).message } }, tx);
        await core.audit(tx, s.actor, 'acl.sync_failed', acl, { outcome: 'failure', detail: { reason: (err as Error).message, code: (err as { code?: string }).code ?? null } });
      });
      throw err;
    }
  }

  const svc = {
    // ---- VPCs ----
    async createVpc(actor: Actor, input: z.infer<typeof S.createVpc>) {
      const s = await core.scope(actor);
      const p = parseCidr(input.cidr);
      if (!p || p.len < 8 || p.len > 28) throw new InputError('a VPC CIDR is a network prefix between /8 and /28', { fields: [{ path: 'cidr', message: 'not a /8–/28 network prefix' }] });
      if (!PRIVATE4.some((x) => cidrContains(x, p))) throw new InputError('a VPC uses private address space (10/8, 172.16/12, 192.168/16)', { fields: [{ path: 'cidr', message: 'not private' }] });
      core.admit(s, [{ type: T.subnet, name: input.name, props: { cidr: input.cidr } }]);
      const r = await provision(s, 'vpc.created', { kind: 'vpc', name: input.name, description: input.description ?? null, status: 'available', tags: input.tags, spec: { cidr: input.cidr, region: s.zone, routeTables: ['default'] } }, { networks: 1 }, async (row) => s.driver.createNetwork({ name: row.name, tenantId: s.tenantId }));
      return toView(r);
    },
    async deleteVpc(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const row = await core.owned(actor, 'vpc', id);
      if ((await subnetsOfVpc(id)).length) throw new ConflictError('delete the VPC’s subnets first', { code: 'cloud.vpc_in_use' });
      await removeWith(actor, row, 'vpc.deleted', () => (row.provider_ref ? s.driver.deleteNetwork(row.provider_ref) : Promise.resolve()));
    },

    // ---- subnets ----
    async createSubnet(actor: Actor, input: z.infer<typeof S.createSubnet>) {
      const s = await core.scope(actor);
      const vpc = await core.owned(actor, 'vpc', input.vpcId);
      const siblings = await subnetsOfVpc(vpc.id);
      const spec: Record<string, unknown> = { vpcId: vpc.id, stack: input.stack, dhcp: input.dhcp, dns: input.dns, leaseHours: input.leaseHours, purpose: input.purpose, az: input.az ?? s.driver.zone, routeTable: 'default', aclId: null };
      if (input.cidr) {
        const p = parseCidr(input.cidr);
        if (!p || p.len > 29) throw new InputError('not an IPv4 network prefix of /29 or larger', { fields: [{ path: 'cidr', message: 'invalid' }] });
        if (!cidrContains(parseCidr(vpc.spec.cidr as string)!, p)) throw new InputError(`the subnet ${input.cidr} is not inside the VPC's ${vpc.spec.cidr as string}`, { fields: [{ path: 'cidr', message: 'outside the VPC' }] });
        const clash = siblings.find((x) => x.spec.cidr && cidrOverlaps(parseCidr(x.spec.cidr as string)!, p));
        if (clash) throw new ConflictError(`the subnet overlaps ${clash.name} (${clash.spec.cidr as string})`, { code: 'cloud.cidr_overlap' });
        const gw = input.gateway ?? nthIp(p, 1);
        if (!ipIn(p, gw)) throw new InputError('the gateway is outside the subnet', { fields: [{ path: 'gateway', message: 'outside' }] });
        Object.assign(spec, { cidr: input.cidr, gateway: gw });
      }
      if (input.cidr6) {
        const p6 = parseCidr(input.cidr6);
        if (!p6 || p6.v !== 6 || p6.len > 120) throw new InputError('not an IPv6 network prefix', { fields: [{ path: 'cidr6', message: 'invalid' }] });
        const clash = siblings.find((x) => x.spec.cidr6 && cidrOverlaps(parseCidr(x.spec.cidr6 as string)!, p6));
        if (clash) throw new ConflictError(`the subnet overlaps ${clash.name} (${clash.spec.cidr6 as string})`, { code: 'cloud.cidr_overlap' });
        Object.assign(spec, { cidr6: input.cidr6, gateway6: nthIp(p6, 1) });
      }
      core.admit(s, [{ type: T.subnet, name: input.name, props: { cidr: input.cidr ?? input.cidr6 } }, ...(input.cidr6 && input.cidr ? [{ type: T.subnet, name: input.name, props: { cidr: input.cidr6 } }] : [])]);
      const r = await provision(s, 'subnet.created', { kind: 'subnet', name: input.name, description: input.description ?? null, status: 'available', parent_id: vpc.id, spec }, {}, async (row) => {
        const refs: Record<string, string> = {};
        if (spec.cidr) refs.v4 = (await s.driver.createSubnet({ networkRef: vpc.provider_ref ?? '', name: row.name, cidr: spec.cidr as string, gateway: spec.gateway as string, dhcp: input.dhcp, dns: input.dns })).ref;
        if (spec.cidr6) refs.v6 = (await s.driver.createSubnet({ networkRef: vpc.provider_ref ?? '', name: `${row.name}-v6`, cidr: spec.cidr6 as string, gateway: spec.gateway6 as string, dhcp: input.dhcp, dns: input.dns })).ref;
        return { ref: refs.v4 ?? refs.v6 ?? null, spec: { refs } };
      });
      return toView(r);
    },
    async updateSubnet(actor: Actor, id: string, input: z.infer<typeof S.updateSubnet>) {
      await core.scope(actor);
      const row = await core.owned(actor, 'subnet', id);
      const vpc = await core.owned(actor, 'vpc', row.parent_id!);
      if (input.routeTable && !(vpc.spec.routeTables as string[]).includes(input.routeTable)) throw new InputError(`the VPC has no route table ${input.routeTable}`);
      const spec = { ...row.spec, ...(input.routeTable ? { routeTable: input.routeTable } : {}), ...(input.dns ? { dns: input.dns } : {}), ...(input.leaseHours ? { leaseHours: input.leaseHours } : {}) };
      return toView(await patch(actor, row, 'subnet.updated', { name: input.name ?? row.name, description: input.description === undefined ? row.description : input.description, spec }));
    },
    async deleteSubnet(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const row = await core.owned(actor, 'subnet', id);
      const users = [...(await dal.children(id, 'nic')), ...(await dal.children(id, 'havip'))];
      if (users.length) throw new ConflictError(`the subnet still has ${users.length} NIC(s) or HaVIP(s)`, { code: 'cloud.subnet_in_use' });
      await removeWith(actor, row, 'subnet.deleted', async () => {
        for (const ref of Object.values((row.spec.refs ?? {}) as Record<string, string>)) await s.driver.deleteSubnet(ref);
      });
    },
    /** Gateway, DNS, DHCP, free addresses, attached resources, route table and ACL of a subnet. */
    async subnetDetails(actor: Actor, id: string) {
      const row = await core.owned(actor, 'subnet', id);
      const nics = await dal.children(id, 'nic');
      const havips = await dal.children(id, 'havip');
      const p = row.spec.cidr ? parseCidr(row.spec.cidr as string) : parseCidr(row.spec.cidr6 as string);
      const total = p ? (p.v === 4 ? Number(usableRange(p).count) : Number(prefixSize(p) > 1n << 52n ? 2n ** 52n : prefixSize(p))) : 0;
      const acl = row.spec.aclId ? await dal.find(row.spec.aclId as string) : undefined;
      const vmIds = [...new Set(nics.map((n) => n.spec.vmId as string | null).filter((x): x is string => !!x))];
      const vms = await dal.byIds(vmIds);
      return {
        subnet: toView(row),
        gateway: (row.spec.gateway as string | undefined) ?? (row.spec.gateway6 as string | undefined) ?? null,
        dns: (row.spec.dns as string[]) ?? [],
        dhcp: !!row.spec.dhcp,
        leaseHours: (row.spec.leaseHours as number) ?? 24,
        totalIps: total,
        availableIps: Math.max(0, total - nics.length - havips.length),
        routeTable: (row.spec.routeTable as string) ?? 'default',
        acl: acl ? { id: acl.id, name: acl.name } : null,
        attached: [
          ...nics.map((n) => ({ kind: 'nic', id: n.id, name: n.name, ip: (n.spec.ip as string) ?? null })),
          ...havips.map((h) => ({ kind: 'havip', id: h.id, name: h.name, ip: (h.spec.ip as string) ?? null })),
          ...vms.map((v) => ({ kind: 'vm', id: v.id, name: v.name, ip: (nics.find((n) => n.spec.vmId === v.id)?.spec.ip as string) ?? null })),
        ],
      };
    },

    // ---- security groups ----
    async createSecurityGroup(actor: Actor, input: z.infer<typeof S.createSecurityGroup>) {
      const s = await core.scope(actor);
      // Created without the default allow rules: everything is denied until a rule allows it.
      core.admit(s, [{ type: T.secGroup, name: input.name, props: { deleteDefaultRules: true } }]);
      const r = await provision(s, 'security_group.created', { kind: 'security_group', name: input.name, description: input.description ?? null, status: 'available', spec: {} }, { securityGroups: 1 }, async (row) => s.driver.createSecurityGroup({ name: row.name, tenantId: s.tenantId }));
      return toView(r);
    },
    async deleteSecurityGroup(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const row = await core.owned(actor, 'security_group', id);
      const users = [...(await dal.bySpecArray(s.tenantId, 'vm', 'securityGroupIds', id)), ...(await dal.bySpecArray(s.tenantId, 'nic', 'securityGroupIds', id))];
      if (users.length) throw new ConflictError(`the security group is used by ${users.length} VM(s) or NIC(s)`, { code: 'cloud.security_group_in_use' });
      for (const rule of await dal.children(id, 'sg_rule')) if (rule.provider_ref) await s.driver.deleteSecurityGroupRule(rule.provider_ref);
      await removeWith(actor, row, 'security_group.deleted', async () => {
        if (row.provider_ref) await s.driver.deleteSecurityGroup(row.provider_ref);
        for (const rule of await dal.children(id, 'sg_rule')) await dal.remove(rule.id);
      });
    },
    async addSgRule(actor: Actor, groupId: string, input: SgRuleInput) {
      const s = await core.scope(actor);
      const g = await core.owned(actor, 'security_group', groupId);
      if ((input.portMin === null) !== (input.portMax === null) || (input.portMin !== null && input.portMax !== null && input.portMin > input.portMax)) throw new InputError('give both portMin ≤ portMax, or neither');
      core.admit(s, [sgRuleDesc(input)]);
      const r = await provision(s, 'security_group.rule_added', { kind: 'sg_rule', name: `${input.direction}-${input.protocol}-${input.portMin ?? 'all'}`, description: input.description ?? null, status: 'available', parent_id: g.id, spec: { ...input } }, {}, async () =>
        s.driver.createSecurityGroupRule({ groupRef: g.provider_ref ?? '', direction: input.direction, ethertype: input.ethertype, protocol: input.protocol === 'any' ? null : input.protocol, portMin: input.portMin, portMax: input.portMax, remoteIpPrefix: input.remoteIpPrefix }),
      );
      return toView(r);
    },
    async updateSgRule(actor: Actor, groupId: string, ruleId: string, input: SgRuleInput) {
      const s = await core.scope(actor);
      const g = await core.owned(actor, 'security_group', groupId);
      const rule = await core.owned(actor, 'sg_rule', ruleId);
      if (rule.parent_id !== g.id) throw new InputError('the rule is not in this security group');
      core.admit(s, [sgRuleDesc(input)]);
      // Neutron rules are immutable: replace the provider's rule, keep our id.
      const created = await s.driver.createSecurityGroupRule({ groupRef: g.provider_ref ?? '', direction: input.direction, ethertype: input.ethertype, protocol: input.protocol === 'any' ? null : input.protocol, portMin: input.portMin, portMax: input.portMax, remoteIpPrefix: input.remoteIpPrefix });
      if (rule.provider_ref) await s.driver.deleteSecurityGroupRule(rule.provider_ref);
      return toView(await patch(actor, rule, 'security_group.rule_updated', { provider_ref: created.ref, spec: { ...input }, description: input.description ?? null }, { before: rule.spec, after: input }));
    },
    async deleteSgRule(actor: Actor, groupId: string, ruleId: string) {
      const s = await core.scope(actor);
      await core.owned(actor, 'security_group', groupId);
      const rule = await core.owned(actor, 'sg_rule', ruleId);
      if (rule.parent_id !== groupId) throw new InputError('the rule is not in this security group');
      await removeWith(actor, rule, 'security_group.rule_deleted', () => (rule.provider_ref ? s.driver.deleteSecurityGroupRule(rule.provider_ref) : Promise.resolve()));
    },

    // ---- network ACLs ----
    async createAcl(actor: Actor, input: z.infer<typeof S.createAcl>) {
      const s = await core.scope(actor);
      const r = await provision(s, 'acl.created', { kind: 'acl', name: input.name, description: input.description ?? null, status: 'available', spec: { enabled: true, subnetIds: [] } }, {}, async () => ({ ref: null }));
      await pushAcl(s, r.id);
      return toView((await dal.find(r.id))!);
    },
    async updateAcl(actor: Actor, id: string, input: z.infer<typeof S.aclUpdate>) {
      const s = await core.scope(actor);
      const row = await core.owned(actor, 'acl', id);
      await patch(actor, row, 'acl.updated', { name: input.name ?? row.name, description: input.description === undefined ? row.description : input.description, status: input.enabled === false ? 'disabled' : input.enabled === true ? 'available' : row.status, spec: { ...row.spec, enabled: input.enabled ?? row.spec.enabled } });
      await pushAcl(s, id);
      return toView((await dal.find(id))!);
    },
    async deleteAcl(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const row = await core.owned(actor, 'acl', id);
      if (((row.spec.subnetIds as string[]) ?? []).length) throw new ConflictError('disassociate the ACL’s subnets first', { code: 'cloud.acl_in_use' });
      await removeWith(actor, row, 'acl.deleted', async () => {
        if (row.spec.provider) await s.driver.deleteAcl(row.spec.provider as AclProviderState);
        for (const r of await aclRules(id)) await dal.remove(r.id);
      });
    },
    async addAclRule(actor: Actor, aclId: string, input: AclRuleInput) {
      const s = await core.scope(actor);
      const acl = await core.owned(actor, 'acl', aclId);
      core.admit(s, [aclRuleDesc(input)]);
      if ((await aclRules(acl.id)).some((r) => r.spec.priority === input.priority && r.spec.direction === input.direction)) throw new ConflictError(`priority ${input.priority} is taken in direction ${input.direction}`, { code: 'cloud.acl_priority_taken' });
      const r = await provision(s, 'acl.rule_added', { kind: 'acl_rule', name: `${input.direction}-${input.priority}`, description: input.description ?? null, status: 'available', parent_id: acl.id, spec: { ...input } }, {}, async () => ({ ref: null }));
      await pushAcl(s, acl.id);
      return toView(r);
    },
    async updateAclRule(actor: Actor, aclId: string, ruleId: string, input: AclRuleInput) {
      const s = await core.scope(actor);
      await core.owned(actor, 'acl', aclId);
      const rule = await core.owned(actor, 'acl_rule', ruleId);
      if (rule.parent_id !== aclId) throw new InputError('the rule is not in this ACL');
      core.admit(s, [aclRuleDesc(input)]);
      const after = await patch(actor, rule, 'acl.rule_updated', { name: `${input.direction}-${input.priority}`, spec: { ...input }, description: input.description ?? null }, { before: rule.spec, after: input });
      await pushAcl(s, aclId);
      return toView(after);
    },
    async deleteAclRule(actor: Actor, aclId: string, ruleId: string) {
      const s = await core.scope(actor);
      await core.owned(actor, 'acl', aclId);
      const rule = await core.owned(actor, 'acl_rule', ruleId);
      if (rule.parent_id !== aclId) throw new InputError('the rule is not in this ACL');
      await removeWith(actor, rule, 'acl.rule_deleted', async () => {});
      await pushAcl(s, aclId);
    },
    async associateAcl(actor: Actor, aclId: string, subnetIds: string[], on: boolean) {
      const s = await core.scope(actor);
      const acl = await core.owned(actor, 'acl', aclId);
      const subnets = await Promise.all(subnetIds.map((id) => core.owned(actor, 'subnet', id)));
      await db.transaction().execute(async (tx) => {
        const current = new Set((acl.spec.subnetIds as string[]) ?? []);
        for (const sn of subnets) {
          if (on) {
            if (sn.spec.aclId && sn.spec.aclId !== acl.id) throw new ConflictError(`subnet ${sn.name} already has an ACL`, { code: 'cloud.subnet_has_acl' });
            current.add(sn.id);
            await dal.update(sn.id, { spec: { ...sn.spec, aclId: acl.id } }, tx);
          } else if (sn.spec.aclId === acl.id) {
            current.delete(sn.id);
            await dal.update(sn.id, { spec: { ...sn.spec, aclId: null } }, tx);
          }
        }
        const after = await dal.update(acl.id, { spec: { ...acl.spec, subnetIds: [...current] } }, tx);
        await core.audit(tx, actor, on ? 'acl.subnets_associated' : 'acl.subnets_disassociated', acl, { detail: { subnetIds } });
        return after;
      });
      await pushAcl(s, acl.id);
      return toView((await dal.find(acl.id))!);
    },
    /** Imports rules from CSV or JSON, all or nothing; every rule is validated and admitted first. */
    async importAclRules(actor: Actor, aclId: string, input: z.infer<typeof S.aclImport>) {
      const s = await core.scope(actor);
      const acl = await core.owned(actor, 'acl', aclId);
      let raw: unknown[];
      try {
        raw = input.format === 'json' ? (JSON.parse(input.content) as unknown[]) : parseCsv(input.content).map((r) => ({ ...r, priority: Number(r.priority), description: r.description || undefined, destinationPort: r.destinationPort ?? '' }));
      } catch {
        throw new InputError(`the ${input.format.toUpperCase()} content cannot be read`);
      }
      if (!Array.isArray(raw) || raw.length > 500) throw new InputError('give an array of at most 500 rules');
      const rules: AclRuleInput[] = raw.map((r, i) => {
        const p = aclRuleBody.safeParse(r);
        if (!p.success) throw new InputError(`rule ${i + 1}: ${p.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`, { fields: p.error.issues.map((x) => ({ path: `rules.${i}.${x.path.join('.')}`, message: x.message })) });
        return p.data;
      });
      core.admit(s, rules.map(aclRuleDesc));
      const existing = input.replace ? [] : await aclRules(acl.id);
      const keys = new Set(existing.map((r) => `${r.spec.direction as string}:${r.spec.priority as number}`));
      for (const r of rules) {
        const k = `${r.direction}:${r.priority}`;
        if (keys.has(k)) throw new ConflictError(`priority ${r.priority} appears twice in direction ${r.direction}`, { code: 'cloud.acl_priority_taken' });
        keys.add(k);
      }
      await db.transaction().execute(async (tx) => {
        if (input.replace) for (const r of await dal.children(acl.id, 'acl_rule', tx)) await dal.remove(r.id, tx);
        for (const r of rules) await dal.insert(core.newRow(s, { kind: 'acl_rule', name: `${r.direction}-${r.priority}`, description: r.description ?? null, status: 'available', parent_id: acl.id, spec: { ...r } }), tx);
        await core.audit(tx, actor, 'acl.rules_imported', acl, { detail: { count: rules.length, replace: input.replace, format: input.format } });
      });
      await pushAcl(s, acl.id);
      return { imported: rules.length };
    },
    async exportAclRules(actor: Actor, aclId: string, format: 'csv' | 'json') {
      await core.owned(actor, 'acl', aclId);
      const rows = (await aclRules(aclId)).map((r) => Object.fromEntries(ACL_COLUMNS.map((c) => [c, r.spec[c] ?? ''])));
      rows.sort((a, b) => String(a.direction).localeCompare(String(b.direction)) || Number(a.priority) - Number(b.priority));
      return format === 'json' ? JSON.stringify(rows, null, 2) : toCsv(ACL_COLUMNS, rows);
    },

    // ---- EIPs ----
    async createEip(actor: Actor, input: z.infer<typeof S.createEip>) {
      const s = await core.scope(actor);
      const r = await provision(s, 'eip.created', { kind: 'eip', name: input.name, status: 'available', spec: { bandwidthMbps: input.bandwidthMbps, chargeMode: input.chargeMode, boundTo: null } }, { floatingIps: 1 }, async () => {
        const f = await s.driver.allocateFloatingIp({ tenantId: s.tenantId });
        return { ref: f.ref, spec: { ip: f.ip } };
      });
      return toView(r);
    },
    async bindEip(actor: Actor, id: string, input: z.infer<typeof S.bindEip>) {
      await core.scope(actor);
      const eip = await core.owned(actor, 'eip', id);
      if (eip.spec.boundTo) throw new ConflictError('the EIP is bound already; unbind it first', { code: 'cloud.eip_bound' });
      const target = await core.owned(actor, input.targetType, input.targetId);
      return db.transaction().execute(async (tx) => {
        const after = await dal.update(eip.id, { status: 'bound', spec: { ...eip.spec, boundTo: { type: input.targetType, id: target.id, name: target.name } } }, tx);
        if (input.targetType === 'havip') await dal.update(target.id, { spec: { ...target.spec, eipId: eip.id, publicIp: eip.spec.ip } }, tx);
        await core.audit(tx, actor, 'eip.bound', eip, { detail: { target: input } });
        return toView(after);
      });
    },
    async unbindEip(actor: Actor, id: string) {
      await core.scope(actor);
      const eip = await core.owned(actor, 'eip', id);
      const b = eip.spec.boundTo as { type: string; id: string } | null;
      if (!b) throw new ConflictError('the EIP is not bound', { code: 'cloud.eip_not_bound' });
      return db.transaction().execute(async (tx) => {
        if (b.type === 'havip') {
          const h = await dal.find(b.id, tx);
          if (h) await dal.update(h.id, { spec: { ...h.spec, eipId: null, publicIp: null } }, tx);
        }
        const after = await dal.update(eip.id, { status: 'available', spec: { ...eip.spec, boundTo: null } }, tx);
        await core.audit(tx, actor, 'eip.unbound', eip, { detail: { from: b } });
        return toView(after);
      });
    },
    async deleteEip(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const eip = await core.owned(actor, 'eip', id);
      if (eip.spec.boundTo) throw new ConflictError('unbind the EIP before releasing it', { code: 'cloud.eip_bound' });
      await removeWith(actor, eip, 'eip.deleted', () => (eip.provider_ref ? s.driver.releaseFloatingIp(eip.provider_ref) : Promise.resolve()));
    },

    // ---- HaVIPs ----
    async createHavip(actor: Actor, input: z.infer<typeof S.createHavip>) {
      const s = await core.scope(actor);
      const sn = await core.owned(actor, 'subnet', input.subnetId);
      const refs = (sn.spec.refs ?? {}) as Record<string, string>;
      const r = await provision(s, 'havip.created', { kind: 'havip', name: input.name, description: input.description ?? null, status: 'available', parent_id: sn.id, spec: { subnetId: sn.id, subnetName: sn.name, az: sn.spec.az, vmIds: [], eipId: null, publicIp: null } }, {}, async () => {
        const port = await s.driver.createPort({ subnetRef: refs.v4 ?? refs.v6 ?? '', ip: input.ip ?? null, name: `havip-${input.name}` });
        return { ref: port.ref, spec: { ip: port.ip } };
      });
      return toView(r);
    },
    async bindHavip(actor: Actor, id: string, input: z.infer<typeof S.bindHavip>) {
      const s = await core.scope(actor);
      const h = await core.owned(actor, 'havip', id);
      const vmIds = new Set((h.spec.vmIds as string[]) ?? []);
      for (const vmId of input.vmIds) {
        await core.owned(actor, 'vm', vmId);
        const nic = (await vmNics(s.tenantId, vmId)).find((n) => n.parent_id === h.parent_id);
        if (!nic) throw new InputError('the VM has no NIC in the HaVIP’s subnet', { code: 'cloud.havip_subnet_mismatch' });
        if (nic.provider_ref) await s.driver.setAllowedAddressPairs(nic.provider_ref, [...((nic.spec.allowedIps as string[]) ?? []), h.spec.ip as string]);
        await dal.update(nic.id, { spec: { ...nic.spec, allowedIps: [...new Set([...((nic.spec.allowedIps as string[]) ?? []), h.spec.ip as string])] } });
        vmIds.add(vmId);
      }
      if (input.eipId) await svc.bindEip(actor, input.eipId, { targetType: 'havip', targetId: h.id });
      const fresh = (await dal.find(h.id))!;
      return toView(await patch(actor, fresh, 'havip.bound', { status: vmIds.size ? 'bound' : fresh.status, spec: { ...fresh.spec, vmIds: [...vmIds] } }, { vmIds: input.vmIds, eipId: input.eipId ?? null }));
    },
    async unbindHavip(actor: Actor, id: string, input: z.infer<typeof S.unbindHavip>) {
      const s = await core.scope(actor);
      const h = await core.owned(actor, 'havip', id);
      const vmIds = new Set((h.spec.vmIds as string[]) ?? []);
      for (const vmId of input.vmIds) {
        if (!vmIds.has(vmId)) continue;
        for (const nic of (await vmNics(s.tenantId, vmId)).filter((n) => n.parent_id === h.parent_id)) {
          const left = ((nic.spec.allowedIps as string[]) ?? []).filter((x) => x !== h.spec.ip);
          if (nic.provider_ref) await s.driver.setAllowedAddressPairs(nic.provider_ref, left);
          await dal.update(nic.id, { spec: { ...nic.spec, allowedIps: left } });
        }
        vmIds.delete(vmId);
      }
      if (input.eip && h.spec.eipId) await svc.unbindEip(actor, h.spec.eipId as string);
      const fresh = (await dal.find(h.id))!;
      return toView(await patch(actor, fresh, 'havip.unbound', { status: vmIds.size ? 'bound' : 'available', spec: { ...fresh.spec, vmIds: [...vmIds] } }, { vmIds: input.vmIds, eip: input.eip }));
    },
    async deleteHavip(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const h = await core.owned(actor, 'havip', id);
      if (((h.spec.vmIds as string[]) ?? []).length || h.spec.eipId) throw new ConflictError('unbind the HaVIP’s VMs and EIP first', { code: 'cloud.havip_bound' });
      await removeWith(actor, h, 'havip.deleted', () => (h.provider_ref ? s.driver.deletePort(h.provider_ref) : Promise.resolve()));
    },

    // ---- elastic NICs ----
    /** Creates a port (used by VM creation for primary NICs too). */
    async createNicRow(s: Scope, input: { name: string; subnetId: string; ip?: string | null; securityGroupIds: string[]; vmId?: string | null; primary?: boolean; description?: string | null }) {
      const sn = await core.owned(s.actor, 'subnet', input.subnetId);
      const groups = [];
      for (const g of input.securityGroupIds) groups.push(await core.owned(s.actor, 'security_group', g));
      const securityGroupRefs = groups.map((g) => g.provider_ref).filter((r): r is string => !!r);
      const refs = (sn.spec.refs ?? {}) as Record<string, string>;
      return provision(s, 'nic.created', { kind: 'nic', name: input.name, description: input.description ?? null, status: input.vmId ? 'in-use' : 'available', parent_id: sn.id, spec: { subnetId: sn.id, vpcId: sn.parent_id, securityGroupIds: input.securityGroupIds, vmId: input.vmId ?? null, primary: !!input.primary, allowedIps: [] } }, {}, async () => {
        const spec: Record<string, unknown> = {};
        let ref: string | null = null;
        if (refs.v4) {
          const p = await s.driver.createPort({ subnetRef: refs.v4, ip: input.ip ?? null, name: input.name, securityGroupRefs });
          ref = p.ref;
          spec.ip = p.ip;
        }
        if (refs.v6) {
          const p6 = await s.driver.createPort({ subnetRef: refs.v6, ip: refs.v4 ? null : (input.ip ?? null), name: `${input.name}-v6`, securityGroupRefs });
          spec.ip6 = p6.ip;
          spec.port6 = p6.ref;
          if (!ref) {
            ref = p6.ref;
            spec.ip = p6.ip;
          }
        }
        return { ref, spec };
      });
    },
    async createNic(actor: Actor, input: z.infer<typeof S.createNic>) {
      const s = await core.scope(actor);
      return toView(await svc.createNicRow(s, { ...input, description: input.description ?? null }));
    },
    async bindNic(actor: Actor, id: string, vmId: string) {
      const s = await core.scope(actor);
      const nic = await core.owned(actor, 'nic', id);
      const vm = await core.owned(actor, 'vm', vmId);
      if (nic.spec.vmId) throw new ConflictError('the NIC is bound already', { code: 'cloud.nic_bound' });
      if ((await vmNics(s.tenantId, vm.id)).length >= 8) throw new ConflictError('a VM holds at most 8 NICs', { code: 'cloud.nic_limit' });
      return toView(await patch(actor, nic, 'nic.bound', { status: 'in-use', spec: { ...nic.spec, vmId: vm.id } }, { vmId }));
    },
    async unbindNics(actor: Actor, ids: string[]) {
      await core.scope(actor);
      const nics = await Promise.all(ids.map((id) => core.owned(actor, 'nic', id)));
      const primary = nics.find((n) => n.spec.primary);
      if (primary) throw new ConflictError(`${primary.name} is a VM's primary NIC and stays with it`, { code: 'cloud.nic_primary' });
      return db.transaction().execute(async (tx) => {
        const out: ResourceRow[] = [];
        for (const n of nics) {
          out.push(await dal.update(n.id, { status: 'available', spec: { ...n.spec, vmId: null } }, tx));
          await core.audit(tx, actor, 'nic.unbound', n, { detail: { vmId: n.spec.vmId ?? null } });
        }
        return { items: out.map(toView), total: out.length };
      });
    },
    async deleteNic(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const nic = await core.owned(actor, 'nic', id);
      if (nic.spec.vmId) throw new ConflictError('unbind the NIC first', { code: 'cloud.nic_bound' });
      await removeWith(actor, nic, 'nic.deleted', async () => {
        if (nic.provider_ref) await s.driver.deletePort(nic.provider_ref);
        if (nic.spec.port6 && nic.spec.port6 !== nic.provider_ref) await s.driver.deletePort(nic.spec.port6 as string);
      });
    },
    /** Removes a VM's NICs with the VM (primary ones are deleted, others unbound). */
    async releaseVmNics(s: Scope, vmId: string) {
      for (const nic of await vmNics(s.tenantId, vmId)) {
        if (nic.spec.primary) {
          if (nic.provider_ref) await s.driver.deletePort(nic.provider_ref);
          if (nic.spec.port6 && nic.spec.port6 !== nic.provider_ref) await s.driver.deletePort(nic.spec.port6 as string);
          await dal.remove(nic.id);
        } else await dal.update(nic.id, { status: 'available', spec: { ...nic.spec, vmId: null } });
      }
    },
    vmNics,

    // ---- key pairs ----
    async createKeypair(actor: Actor, input: z.infer<typeof S.createKeypair>) {
      const s = await core.scope(actor);
      const fingerprint = `SM3:${sm3Hex(input.publicKey.split(' ')[1] ?? '').slice(0, 32)}`;
      const r = await provision(s, 'keypair.created', { kind: 'keypair', name: input.name, status: 'available', spec: { publicKey: input.publicKey, fingerprint } }, {}, async () => ({ ref: null }));
      return toView(r);
    },
    async deleteKeypair(actor: Actor, id: string) {
      await core.scope(actor);
      const row = await core.owned(actor, 'keypair', id);
      await removeWith(actor, row, 'keypair.deleted', async () => {});
    },

    // ---- shared ----
    async setTags(actor: Actor, kind: 'vpc' | 'disk' | 'vm' | 'eip', id: string, tags: Record<string, string>) {
      await core.scope(actor);
      const row = await core.owned(actor, kind, id);
      return toView(await patch(actor, row, `${kind}.tagged`, { tags }, { before: row.tags, after: tags }));
    },
    provision,
    removeWith,
    patch,
  };
  return svc;
}

export type NetworkService = ReturnType<typeof createNetworkService>;
