import { createHash } from 'node:crypto';
import { utils as sshUtils } from 'ssh2';
import type { Generated, Kysely, Selectable } from 'kysely';
import { asRoom } from '../../core/db';
import type { AuditTrail } from '../../core/audit';
import type { Actor } from '../../core/authz';
import { ConflictError, InputError, NotFoundError } from '../../core/errors';
import { decideLoginAcl, macNeeded, normaliseCidr, normaliseMac, type MacRule } from './login-acl-fns';
import type { MacResolver } from './mac-lookup';
import type { Operator } from './bastion-service';

type KeysTable = { id: Generated<string>; account_id: string; login_id: string; name: string; algorithm: string; public_key: string; fingerprint_sha256: string; last_used_at: Date | null; created_at: Generated<Date> };
type AdminSourcesTable = { id: Generated<string>; cidr: string; note: string | null; created_by: string; created_at: Generated<Date> };
type MacRulesTable = { id: Generated<string>; name: string; logins: string[]; roles: string[]; source_cidrs: string[]; macs: string[]; enabled: boolean; created_by: string; created_at: Generated<Date> };
type Tables = { 'bastion.operator_keys': KeysTable; 'bastion.admin_sources': AdminSourcesTable; 'bastion.mac_rules': MacRulesTable };
export type OperatorKeyRow = Selectable<KeysTable>;
type MacRuleRow = Selectable<MacRulesTable>;

// OpenSSH's `SHA256:` fingerprint of the key blob (SSH interop, not a 国密 primitive, hence node:crypto).
const fingerprint = (blob: Buffer) => `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

const keyOut = (k: OperatorKeyRow) => ({ id: k.id, loginId: k.login_id, name: k.name, algorithm: k.algorithm, fingerprint: k.fingerprint_sha256, publicKey: k.public_key, lastUsedAt: k.last_used_at, createdAt: k.created_at });
const sourceOut = (s: Selectable<AdminSourcesTable>) => ({ id: s.id, cidr: s.cidr, note: s.note, createdBy: s.created_by, createdAt: s.created_at });
const macRuleOut = (r: MacRuleRow) => ({ id: r.id, name: r.name, logins: r.logins, roles: r.roles, sourceCidrs: r.source_cidrs, macs: r.macs, enabled: r.enabled, createdBy: r.created_by, createdAt: r.created_at });
const toMacRule = (r: MacRuleRow): MacRule => ({ name: r.name, logins: r.logins, roles: r.roles, sourceCidrs: r.source_cidrs, macs: r.macs, enabled: r.enabled });

/** Parses one OpenSSH public key line; refuses private keys, certificates' garbage and anything ssh2 cannot verify with. */
export function parsePublicKeyLine(line: string): { algorithm: string; blob: Buffer; canonical: string } {
  const parsed = sshUtils.parseKey(line.trim());
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new InputError(`not an SSH public key: ${key instanceof Error ? key.message : 'unreadable'}`, { code: 'bastion.bad_public_key', fields: [{ path: 'body.publicKey', message: 'not an OpenSSH public key line' }] });
  if (key.isPrivateKey()) throw new InputError('that is a private key: register the public one (.pub)', { code: 'bastion.private_key_given', fields: [{ path: 'body.publicKey', message: 'private key' }] });
  if (/^ssh-dss$/.test(key.type)) throw new InputError('DSA keys are not accepted', { code: 'bastion.weak_public_key', fields: [{ path: 'body.publicKey', message: 'DSA' }] });
  if (key.type === 'ssh-rsa') {
    // ssh2 exposes no modulus length: the blob's last mpint is the modulus; fewer than 2048 bits is refused.
    const blob = key.getPublicSSH();
    let off = 0;
    const parts: Buffer[] = [];
    while (off + 4 <= blob.length) {
      const n = blob.readUInt32BE(off);
      parts.push(blob.subarray(off + 4, off + 4 + n));
      off += 4 + n;
    }
    const mod = parts[2] ?? Buffer.alloc(0);
    const bits = (mod[0] === 0 ? mod.length - 1 : mod.length) * 8;
    if (bits < 2048) throw new InputError('RSA keys need at least 2048 bits', { code: 'bastion.weak_public_key', fields: [{ path: 'body.publicKey', message: `${bits} bits` }] });
  }
  const blob = key.getPublicSSH();
  return { algorithm: key.type, blob, canonical: `${key.type} ${blob.toString('base64')}${key.comment ? ` ${key.comment}` : ''}` };
}

export type BastionAccessDeps = { db: Kysely<any>; audit: Pick<AuditTrail, 'record'>; resolveMac: MacResolver; now?: () => Date };

/** Operators' SSH keys and the gateway's login ACLs (admin source ranges, MAC rules). */
export function createBastionAccess(deps: BastionAccessDeps) {
  const { db, audit } = deps;
  const r = (tx: Kysely<any> = db) => asRoom<Tables>(tx);
  const now = deps.now ?? (() => new Date());
  let cache: { at: number; adminCidrs: string[]; macRules: MacRule[] } | null = null;
  const forget = () => (cache = null);
  /** A change of the admin ranges or MAC rules; the cache forgets after the commit, so no reload can keep the old rows. */
  const change = <T>(fn: (tx: Kysely<any>) => Promise<T>): Promise<T> => db.transaction().execute(fn).finally(forget);

  async function ownKey(actor: Actor, id: string) {
    const k = await r().selectFrom('bastion.operator_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!k || k.account_id !== actor.accountId) throw new NotFoundError('no such key', { code: 'bastion.key_not_found' });
    return k;
  }
  async function removeKey(actor: Actor, k: OperatorKeyRow) {
    await db.transaction().execute(async (tx) => {
      await r(tx).deleteFrom('bastion.operator_keys').where('id', '=', k.id).execute();
      await audit.record({ actor, action: 'bastion_key.removed', target: { type: 'bastion_key', id: k.id }, before: { loginId: k.login_id, name: k.name, fingerprint: k.fingerprint_sha256 } }, tx);
    });
  }

  return {
    // ---- an operator's own keys (their bastion profile) ----
    async listMyKeys(actor: Actor) {
      const rows = await r().selectFrom('bastion.operator_keys').selectAll().where('account_id', '=', actor.accountId ?? '00000000-0000-0000-0000-000000000000').orderBy('created_at').execute();
      return { items: rows.map(keyOut), total: rows.length };
    },
    async registerKey(actor: Actor, input: { name: string; publicKey: string }) {
      if (!actor.accountId) throw new InputError('only an account can register keys', { code: 'bastion.not_an_account' });
      const k = parsePublicKeyLine(input.publicKey);
      const fp = fingerprint(k.blob);
      return db.transaction().execute(async (tx) => {
        const dup = await r(tx).selectFrom('bastion.operator_keys').select('id').where('account_id', '=', actor.accountId!).where('fingerprint_sha256', '=', fp).executeTakeFirst();
        if (dup) throw new ConflictError('this key is registered already', { code: 'bastion.key_exists' });
        const row = await r(tx).insertInto('bastion.operator_keys').values({ account_id: actor.accountId!, login_id: actor.loginId, name: input.name, algorithm: k.algorithm, public_key: k.canonical, fingerprint_sha256: fp }).returningAll().executeTakeFirstOrThrow();
        await audit.record({ actor, action: 'bastion_key.registered', target: { type: 'bastion_key', id: row.id }, after: { name: row.name, algorithm: row.algorithm, fingerprint: fp } }, tx);
        return keyOut(row);
      });
    },
    async removeMyKey(actor: Actor, id: string) {
      await removeKey(actor, await ownKey(actor, id));
    },
    // ---- every operator's keys (security administrators) ----
    async listAllKeys(_actor: Actor, q: { loginId?: string }) {
      let b = r().selectFrom('bastion.operator_keys').selectAll();
      if (q.loginId) b = b.where('login_id', '=', q.loginId);
      const rows = await b.orderBy('login_id').orderBy('created_at').execute();
      return { items: rows.map(keyOut), total: rows.length };
    },
    async revokeKey(actor: Actor, id: string) {
      const k = await r().selectFrom('bastion.operator_keys').selectAll().where('id', '=', id).executeTakeFirst();
      if (!k) throw new NotFoundError('no such key', { code: 'bastion.key_not_found' });
      await removeKey(actor, k);
    },

    // ---- admin source ranges ----
    async listAdminSources(_actor: Actor) {
      const rows = await r().selectFrom('bastion.admin_sources').selectAll().orderBy('cidr').execute();
      return { items: rows.map(sourceOut), total: rows.length };
    },
    async addAdminSource(actor: Actor, input: { cidr: string; note?: string | null }) {
      const cidr = normaliseCidr(input.cidr);
      if (!cidr) throw new InputError(`${input.cidr} is not an address range`, { code: 'bastion.bad_cidr', fields: [{ path: 'body.cidr', message: 'CIDR such as 10.20.1.0/24' }] });
      return change(async (tx) => {
        if (await r(tx).selectFrom('bastion.admin_sources').select('id').where('cidr', '=', cidr).executeTakeFirst()) throw new ConflictError(`${cidr} is declared already`, { code: 'bastion.admin_source_exists' });
        const row = await r(tx).insertInto('bastion.admin_sources').values({ cidr, note: input.note ?? null, created_by: actor.loginId }).returningAll().executeTakeFirstOrThrow();
        await audit.record({ actor, action: 'bastion_admin_source.added', target: { type: 'bastion_admin_source', id: row.id }, after: sourceOut(row) }, tx);
        return sourceOut(row);
      });
    },
    async removeAdminSource(actor: Actor, id: string) {
      await change(async (tx) => {
        const row = await r(tx).deleteFrom('bastion.admin_sources').where('id', '=', id).returningAll().executeTakeFirst();
        if (!row) throw new NotFoundError('no such admin source', { code: 'bastion.admin_source_not_found' });
        await audit.record({ actor, action: 'bastion_admin_source.removed', target: { type: 'bastion_admin_source', id }, before: sourceOut(row) }, tx);
      });
    },

    // ---- MAC rules ----
    async listMacRules(_actor: Actor) {
      const rows = await r().selectFrom('bastion.mac_rules').selectAll().orderBy('name').execute();
      return { items: rows.map(macRuleOut), total: rows.length };
    },
    async createMacRule(actor: Actor, input: { name: string; logins: string[]; roles: string[]; sourceCidrs: string[]; macs: string[]; enabled: boolean }) {
      const macs = input.macs.map((m) => normaliseMac(m));
      const badMac = input.macs.find((_m, i) => !macs[i]);
      if (badMac !== undefined) throw new InputError(`${badMac} is not a MAC address`, { code: 'bastion.bad_mac', fields: [{ path: 'body.macs', message: 'aa:bb:cc:dd:ee:ff' }] });
      const cidrs = input.sourceCidrs.map((c) => normaliseCidr(c));
      const badCidr = input.sourceCidrs.find((_c, i) => !cidrs[i]);
      if (badCidr !== undefined) throw new InputError(`${badCidr} is not an address range`, { code: 'bastion.bad_cidr', fields: [{ path: 'body.sourceCidrs', message: 'CIDR' }] });
      return change(async (tx) => {
        if (await r(tx).selectFrom('bastion.mac_rules').select('id').where('name', '=', input.name).executeTakeFirst()) throw new ConflictError(`a MAC rule named ${input.name} exists`, { code: 'bastion.mac_rule_exists' });
        const row = await r(tx)
          .insertInto('bastion.mac_rules')
          .values({ name: input.name, logins: input.logins, roles: input.roles, source_cidrs: cidrs as string[], macs: macs as string[], enabled: input.enabled, created_by: actor.loginId })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit.record({ actor, action: 'bastion_mac_rule.created', target: { type: 'bastion_mac_rule', id: row.id }, after: macRuleOut(row) }, tx);
        return macRuleOut(row);
      });
    },
    async deleteMacRule(actor: Actor, id: string) {
      await change(async (tx) => {
        const row = await r(tx).deleteFrom('bastion.mac_rules').where('id', '=', id).returningAll().executeTakeFirst();
        if (!row) throw new NotFoundError('no such MAC rule', { code: 'bastion.mac_rule_not_found' });
        await audit.record({ actor, action: 'bastion_mac_rule.deleted', target: { type: 'bastion_mac_rule', id }, before: macRuleOut(row) }, tx);
      });
    },

    // ---- the gateway's side ----
    /** The registered key of this account with exactly this public key blob, or null. */
    async findOperatorKey(accountId: string, algorithm: string, blob: Buffer): Promise<OperatorKeyRow | null> {
      const k = await r().selectFrom('bastion.operator_keys').selectAll().where('account_id', '=', accountId).where('fingerprint_sha256', '=', fingerprint(blob)).executeTakeFirst();
      return k && k.algorithm === algorithm ? k : null;
    },
    async keyUsed(id: string) {
      await r().updateTable('bastion.operator_keys').set({ last_used_at: now() }).where('id', '=', id).execute();
    },
    /** Null when the gateway's ACLs let this operator in from this address, else the reason (the caller audits it). */
    async loginGate(op: Pick<Operator, 'loginId' | 'roles'>, sourceIp: string | null): Promise<string | null> {
      if (!cache || Date.now() - cache.at > 2000) {
        const [sources, rules] = await Promise.all([r().selectFrom('bastion.admin_sources').select('cidr').execute(), r().selectFrom('bastion.mac_rules').selectAll().where('enabled', '=', true).execute()]);
        cache = { at: Date.now(), adminCidrs: sources.map((s) => s.cidr), macRules: rules.map(toMacRule) };
      }
      const base = { loginId: op.loginId, roles: op.roles, sourceIp, adminCidrs: cache.adminCidrs, macRules: cache.macRules };
      const mac = sourceIp && macNeeded(base) ? await deps.resolveMac(sourceIp).catch(() => null) : null;
      const d = decideLoginAcl({ ...base, mac });
      return d.allowed ? null : d.rule ? `${d.reason} (rule "${d.rule}")` : d.reason;
    },
  };
}
export type BastionAccess = ReturnType<typeof createBastionAccess>;
