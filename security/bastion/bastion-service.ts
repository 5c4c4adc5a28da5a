import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { AuditTrail } from '../../core/audit';
import type { AuditEntry } from '../../core/audit/audit-types';
import type { Actor } from '../../core/authz';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../../core/errors';
import type { AssetInput, GrantInput, SessionQuery } from './bastion-schemas';
import type { AssetAccountRow, AssetRow, BastionDal, GrantRow, RuleRow, SessionRow } from './bastion-dal';
import { compilePattern, evaluateCommand, type CommandDecision } from './command-filter-fns';

/** Seals credentials at rest (core/crypto SM4 today, the KMS when it exists). */
export type SecretSealer = { seal(plain: Buffer): string; open(sealed: string): Buffer };

/** A yiyun account that logged into the gateway. */
export type Operator = { accountId: string; loginId: string; roles: readonly string[]; tenantId: string | null };

/** What the operator proved first; a key alone never logs in (the second factor follows). */
export type LoginFactor = { kind: 'password'; password: string } | { kind: 'publickey'; accountId: string; fingerprint: string };

/** The port to identity: who an operator is, resolved by login id (for grants), and the login check itself. */
export type OperatorDirectory = {
  /**
   * The first factor (a password, or a registered public key whose signature the gateway has verified) and the
   * second factor (TOTP or SM3 OTP) together; null when refused. Records login success/failure, respects lockout,
   * the account's login restrictions and then `gate` (the gateway's own ACLs; a reason string refuses).
   */
  verifyLogin(input: { loginId: string; factor: LoginFactor; otp: string; sourceIp: string | null; gate?: (op: Operator) => Promise<string | null> }): Promise<Operator | null>;
  findByLogin(loginId: string): Promise<Operator | null>;
};

export type BastionServiceDeps = {
  db: Kysely<any>;
  dal: BastionDal;
  audit: Pick<AuditTrail, 'record'>;
  sealer: SecretSealer;
  operators: Pick<OperatorDirectory, 'findByLogin'>;
  recordingsDir: string;
  now?: () => Date;
};

export type ResolvedTarget = { asset: AssetRow; account: AssetAccountRow; secret: string; grant: GrantRow };
export type LiveHandle = { kill(reason: string): void };

const operatorActor = (op: Operator, sourceIp: string | null): AuditEntry['actor'] => ({ kind: 'account', accountId: op.accountId, loginId: op.loginId, roles: op.roles, tenantId: op.tenantId, sourceIp });

const assetOut = (a: AssetRow) => ({ id: a.id, name: a.name, address: a.address, port: a.port, protocol: a.protocol, osType: a.os_type, folder: a.folder, encoding: a.encoding, tenantId: a.tenant_id, hostKeySha256: a.host_key_sha256, enabled: a.enabled, cloudVmId: a.cloud_vm_id, retiredAt: a.retired_at, createdAt: a.created_at });
const accountOut = (a: AssetAccountRow) => ({ id: a.id, assetId: a.asset_id, username: a.username, authKind: a.auth_kind, rotateEveryDays: a.rotate_every_days, lastRotatedAt: a.last_rotated_at, rotationAdmin: a.rotation_admin, createdAt: a.created_at });
const ruleOut = (r: RuleRow) => ({ id: r.id, name: r.name, pattern: r.pattern, action: r.action, priority: r.priority, enabled: r.enabled, createdAt: r.created_at });

/** Assets, accounts, grants, command rules and approvals; sessions, recordings and the gateway's bookkeeping. */
export function createBastionService(deps: BastionServiceDeps) {
  const { db, dal, audit } = deps;
  const now = deps.now ?? (() => new Date());
  const live = new Map<string, LiveHandle>();
  let rulesCache: { at: number; rules: RuleRow[] } | null = null;

  const grantOut = (g: GrantRow) => ({ id: g.id, operatorAccountId: g.operator_account_id, operatorLogin: g.operator_login, assetId: g.asset_id, folder: g.folder, accountUsername: g.account_username, protocols: g.protocols, validFrom: g.valid_from, validUntil: g.valid_until, createdBy: g.created_by, createdAt: g.created_at, expired: g.valid_until <= now() });
  const sessionOut = (s: SessionRow) => ({ id: s.id, operatorLogin: s.operator_login, sourceIp: s.source_ip, assetId: s.asset_id, assetName: s.asset_name, accountUsername: s.account_username, kind: s.kind, command: s.command, startedAt: s.started_at, endedAt: s.ended_at, endReason: s.end_reason, exitCode: s.exit_code, recordingBytes: Number(s.recording_bytes), live: live.has(s.id) });

  async function assetFor(actor: Actor, id: string): Promise<AssetRow> {
    const a = await dal.findAsset(id);
    if (!a || (actor.tenantId && a.tenant_id !== actor.tenantId)) throw new NotFoundError('no such asset', { code: 'bastion.asset_not_found' });
    return a;
  }
  async function sessionFor(actor: Actor, id: string): Promise<SessionRow> {
    const s = await dal.findSession(id);
    if (!s || (actor.tenantId && s.tenant_id !== actor.tenantId)) throw new NotFoundError('no such session', { code: 'bastion.session_not_found' });
    return s;
  }
  async function enabledRules() {
    if (!rulesCache || Date.now() - rulesCache.at > 2000) rulesCache = { at: Date.now(), rules: (await dal.listRules()).filter((r) => r.enabled) };
    return rulesCache.rules;
  }

  return {
    live,
    async listAssets(actor: Actor, q: { offset: number; limit: number }) {
      const { rows, total } = await dal.listAssets({ ...q, tenantId: actor.tenantId });
      return { items: rows.map(assetOut), total };
    },
    async getAsset(actor: Actor, id: string) {
      return assetOut(await assetFor(actor, id));
    },
    async createAsset(actor: Actor, input: AssetInput) {
      if (await dal.findAssetByName(input.name)) throw new ConflictError(`an asset named ${input.name} exists`, { code: 'bastion.asset_exists' });
      return db.transaction().execute(async (tx) => {
        const a = await dal.insertAsset({ name: input.name, address: input.address, port: input.port, os_type: input.osType, folder: input.folder, encoding: input.encoding, tenant_id: input.tenantId ?? actor.tenantId ?? null, host_key_sha256: input.hostKeySha256 ?? null, enabled: input.enabled }, tx);
        await audit.record({ actor, action: 'bastion_asset.created', target: { type: 'bastion_asset', id: a.id }, after: assetOut(a), tenantId: a.tenant_id }, tx);
        return assetOut(a);
      });
    },
    async updateAsset(actor: Actor, id: string, patch: Partial<AssetInput>) {
      const before = await assetFor(actor, id);
      return db.transaction().execute(async (tx) => {
        const a = (await dal.updateAsset(id, { name: patch.name, address: patch.address, port: patch.port, os_type: patch.osType, folder: patch.folder, encoding: patch.encoding, host_key_sha256: patch.hostKeySha256, enabled: patch.enabled }, tx))!;
        await audit.record({ actor, action: 'bastion_asset.updated', target: { type: 'bastion_asset', id }, before: assetOut(before), after: assetOut(a), tenantId: a.tenant_id }, tx);
        return assetOut(a);
      });
    },
    async deleteAsset(actor: Actor, id: string) {
      const a = await assetFor(actor, id);
      await db.transaction().execute(async (tx) => {
        await dal.deleteAsset(id, tx);
        await audit.record({ actor, action: 'bastion_asset.deleted', target: { type: 'bastion_asset', id }, before: assetOut(a), tenantId: a.tenant_id }, tx);
      });
    },
    async listAccounts(actor: Actor, assetId: string) {
      await assetFor(actor, assetId);
      const rows = await dal.listAccounts(assetId);
      return { items: rows.map(accountOut), total: rows.length };
    },
    async createAccount(actor: Actor, assetId: string, input: { username: string; authKind: 'password' | 'key'; secret: string; rotateEveryDays?: number | null; rotationAdmin?: boolean }) {
      const a = await assetFor(actor, assetId);
      if (await dal.findAccount(assetId, input.username)) throw new ConflictError(`${input.username} exists on ${a.name}`, { code: 'bastion.account_exists' });
      const sealed = deps.sealer.seal(Buffer.from(input.secret, 'utf8'));
      return db.transaction().execute(async (tx) => {
        const row = await dal.insertAccount({ asset_id: assetId, username: input.username, auth_kind: input.authKind, secret_sealed: sealed, rotate_every_days: input.rotateEveryDays ?? null, last_rotated_at: null, rotation_admin: input.rotationAdmin ?? false }, tx);
        await audit.record({ actor, action: 'bastion_account.created', target: { type: 'bastion_account', id: row.id }, after: accountOut(row), tenantId: a.tenant_id }, tx);
        return accountOut(row);
      });
    },
    async deleteAccount(actor: Actor, assetId: string, accountId: string) {
      const a = await assetFor(actor, assetId);
      const acc = await dal.findAccountById(accountId);
      if (!acc || acc.asset_id !== a.id) throw new NotFoundError('no such account', { code: 'bastion.account_not_found' });
      await db.transaction().execute(async (tx) => {
        await dal.deleteAccount(accountId, tx);
        await audit.record({ actor, action: 'bastion_account.deleted', target: { type: 'bastion_account', id: accountId }, before: accountOut(acc), tenantId: a.tenant_id }, tx);
      });
    },
    async listGrants(actor: Actor) {
      const rows = await dal.listGrants({});
      return { items: rows.map(grantOut), total: rows.length };
    },
    async createGrant(actor: Actor, input: GrantInput) {
      const op = await deps.operators.findByLogin(input.operatorLogin);
      if (!op) throw new InputError(`no account ${input.operatorLogin}`, { code: 'bastion.operator_not_found', fields: [{ path: 'body.operatorLogin', message: 'unknown account' }] });
      if (input.assetId) await assetFor(actor, input.assetId);
      if (input.validUntil <= (input.validFrom ?? now())) throw new InputError('validUntil must be after validFrom', { code: 'bastion.grant_window' });
      return db.transaction().execute(async (tx) => {
        const g = await dal.insertGrant({ operator_account_id: op.accountId, operator_login: op.loginId, asset_id: input.assetId ?? null, folder: input.folder ?? null, account_username: input.accountUsername, protocols: input.protocols, valid_from: input.validFrom ?? now(), valid_until: input.validUntil, created_by: actor.loginId }, tx);
        await audit.record({ actor, action: 'bastion_grant.created', target: { type: 'bastion_grant', id: g.id }, after: grantOut(g) }, tx);
        return grantOut(g);
      });
    },
    async revokeGrant(actor: Actor, id: string) {
      await db.transaction().execute(async (tx) => {
        if (!(await dal.deleteGrant(id, tx))) throw new NotFoundError('no such grant', { code: 'bastion.grant_not_found' });
        await audit.record({ actor, action: 'bastion_grant.revoked', target: { type: 'bastion_grant', id } }, tx);
      });
    },
    async listRules(_actor: Actor) {
      const rows = await dal.listRules();
      return { items: rows.map(ruleOut), total: rows.length };
    },
    async createRule(actor: Actor, input: { name: string; pattern: string; action: 'allow' | 'deny' | 'approve'; priority: number; enabled: boolean }) {
      try {
        compilePattern(input.pattern);
      } catch (e) {
        throw new InputError(`the pattern is not a valid regular expression: ${(e as Error).message}`, { code: 'bastion.bad_pattern', fields: [{ path: 'body.pattern', message: 'invalid regular expression' }] });
      }
      rulesCache = null;
      return db.transaction().execute(async (tx) => {
        const r = await dal.insertRule(input, tx);
        await audit.record({ actor, action: 'bastion_rule.created', target: { type: 'bastion_rule', id: r.id }, after: ruleOut(r) }, tx);
        return ruleOut(r);
      });
    },
    async deleteRule(actor: Actor, id: string) {
      rulesCache = null;
      await db.transaction().execute(async (tx) => {
        if (!(await dal.deleteRule(id, tx))) throw new NotFoundError('no such rule', { code: 'bastion.rule_not_found' });
        await audit.record({ actor, action: 'bastion_rule.deleted', target: { type: 'bastion_rule', id } }, tx);
      });
    },
    async listApprovals(_actor: Actor) {
      const rows = await dal.listApprovals();
      return { items: rows.map((a) => ({ id: a.id, operatorLogin: a.operator_login, assetId: a.asset_id, command: a.command, ruleId: a.rule_id, status: a.status, decidedBy: a.decided_by, decidedAt: a.decided_at, createdAt: a.created_at })), total: rows.length };
    },
    async decideApproval(actor: Actor, id: string, approve: boolean) {
      const ap = await dal.findApproval(id);
      if (!ap) throw new NotFoundError('no such approval request', { code: 'bastion.approval_not_found' });
      if (ap.operator_account_id === actor.accountId) throw new ForbiddenError('nobody approves their own command', { code: 'bastion.self_approval' });
      await db.transaction().execute(async (tx) => {
        const r = await dal.decideApproval(id, approve ? 'approved' : 'rejected', actor.loginId, tx);
        if (!r) throw new ConflictError('the request was already decided', { code: 'bastion.approval_decided' });
        await audit.record({ actor, action: 'bastion_approval.decided', target: { type: 'bastion_approval', id }, after: { status: r.status, command: r.command } }, tx);
      });
    },

    async listSessions(actor: Actor, q: SessionQuery) {
      const { rows, total } = await dal.listSessions({ ...q, tenantId: actor.tenantId, liveIds: q.live === 'true' ? [...live.keys()] : undefined });
      return { items: rows.map(sessionOut), total };
    },
    async getSession(actor: Actor, id: string) {
      const s = await sessionFor(actor, id);
      const [commands, transfers] = await Promise.all([dal.listCommands(id), dal.listTransfers(id)]);
      return {
        ...sessionOut(s),
        commands: commands.map((c) => ({ id: Number(c.id), at: c.at, command: c.command, verdict: c.verdict, ruleId: c.rule_id })),
        transfers: transfers.map((t) => ({ id: Number(t.id), at: t.at, direction: t.direction, path: t.path, size: Number(t.size), sm3: t.sm3, protocol: t.protocol })),
      };
    },
    /** The asciicast v2 file of a session; who watched it is itself audited. */
    async openRecording(actor: Actor, id: string) {
      const s = await sessionFor(actor, id);
      const file = s.recording_file ? path.join(deps.recordingsDir, path.basename(s.recording_file)) : null;
      if (!file || !existsSync(file)) throw new NotFoundError('this session has no recording', { code: 'bastion.no_recording' });
      await audit.record({ actor, action: 'bastion_recording.viewed', target: { type: 'bastion_session', id }, detail: { operator: s.operator_login, asset: s.asset_name } });
      return { stream: createReadStream(file), name: `${s.id}.cast` };
    },
    async killSession(actor: Actor, id: string) {
      const s = await sessionFor(actor, id);
      const h = live.get(id);
      if (!h) throw new ConflictError('the session is not live', { code: 'bastion.session_not_live' });
      await audit.record({ actor, action: 'bastion_session.killed', target: { type: 'bastion_session', id }, detail: { operator: s.operator_login, asset: s.asset_name }, tenantId: s.tenant_id });
      h.kill(`killed by ${actor.loginId}`);
    },

    // ---- the gateway's side ----
    /** Finds the asset account an operator asks for and the grant allowing it; refusals are audited. */
    async resolveTarget(op: Operator, sourceIp: string | null, assetName: string, username: string, protocol: 'shell' | 'exec' | 'sftp'): Promise<ResolvedTarget> {
      const refuse = async (reason: string, assetId: string | null = null) => {
        await audit.record({ actor: operatorActor(op, sourceIp), action: 'bastion_session.refused', target: { type: 'bastion_asset', id: assetId }, outcome: 'denied', detail: { reason, asset: assetName, account: username, protocol, channel: 'ssh' } });
        throw new ForbiddenError(reason, { code: 'bastion.no_grant' });
      };
      const asset = await dal.findAssetByName(assetName);
      if (!asset || !asset.enabled) return refuse('no such asset');
      const account = await dal.findAccount(asset.id, username);
      if (!account) return refuse('no such account on the asset', asset.id);
      const grants = await dal.grantsCovering(op.accountId, asset, username);
      const t = now();
      const valid = grants.find((g) => g.valid_from <= t && g.valid_until > t && g.protocols.includes(protocol));
      if (!valid) return refuse(grants.some((g) => g.valid_until <= t) ? 'the grant has expired' : 'no grant for this account and protocol', asset.id);
      return { asset, account, secret: deps.sealer.open(account.secret_sealed).toString('utf8'), grant: valid };
    },
    async pinHostKey(assetId: string, sha256: string) {
      await db.transaction().execute(async (tx) => {
        await dal.updateAsset(assetId, { host_key_sha256: sha256 }, tx);
        await audit.record({ actor: { kind: 'system', accountId: null, loginId: 'system:bastion', roles: ['system'], tenantId: null, sourceIp: null }, action: 'bastion_asset.host_key_pinned', target: { type: 'bastion_asset', id: assetId }, after: { hostKeySha256: sha256 } }, tx);
      });
    },
    async startSession(op: Operator, sourceIp: string | null, target: ResolvedTarget, kind: 'shell' | 'exec' | 'sftp', command: string | null, recordingFile: string | null) {
      return db.transaction().execute(async (tx) => {
        const s = await dal.insertSession({ tenant_id: target.asset.tenant_id, operator_account_id: op.accountId, operator_login: op.loginId, source_ip: sourceIp, asset_id: target.asset.id, asset_name: target.asset.name, account_username: target.account.username, kind, command, ended_at: null, end_reason: null, exit_code: null, recording_file: recordingFile }, tx);
        await audit.record({ actor: operatorActor(op, sourceIp), action: 'bastion_session.started', target: { type: 'bastion_session', id: s.id }, detail: { asset: s.asset_name, account: s.account_username, kind, command, grantId: target.grant.id }, tenantId: s.tenant_id }, tx);
        return s;
      });
    },
    /** Judges a command; an approved request for exactly this command lets it through once. */
    async judgeCommand(op: Operator, sourceIp: string | null, session: SessionRow, line: string, alsoCheck: string[] = []): Promise<CommandDecision & { approvalId?: string }> {
      const rules = await enabledRules();
      let d = evaluateCommand(line, rules);
      for (const extra of alsoCheck) {
        const e = evaluateCommand(extra, rules);
        if (e.verdict === 'denied' || (e.verdict === 'approval_required' && d.verdict === 'allowed')) d = e;
      }
      const cmd = line.trim().slice(0, 4000);
      if (d.verdict === 'approval_required' && (await dal.useApproval(op.accountId, session.asset_id, cmd))) d = { ...d, verdict: 'allowed' };
      let approvalId: string | undefined;
      await db.transaction().execute(async (tx) => {
        if (cmd) await dal.insertCommand({ session_id: session.id, command: cmd, verdict: d.verdict, rule_id: d.rule?.id ?? null }, tx);
        if (d.verdict === 'denied') {
          await audit.record({ actor: operatorActor(op, sourceIp), action: 'bastion_command.denied', target: { type: 'bastion_session', id: session.id }, outcome: 'denied', detail: { command: cmd, rule: d.rule?.name, asset: session.asset_name }, tenantId: session.tenant_id }, tx);
        } else if (d.verdict === 'approval_required') {
          const ap = await dal.insertApproval({ operator_account_id: op.accountId, operator_login: op.loginId, asset_id: session.asset_id, command: cmd, rule_id: d.rule?.id ?? null, decided_by: null, decided_at: null }, tx);
          approvalId = ap.id;
          await audit.record({ actor: operatorActor(op, sourceIp), action: 'bastion_command.approval_requested', target: { type: 'bastion_approval', id: ap.id }, outcome: 'denied', detail: { command: cmd, rule: d.rule?.name, session: session.id }, tenantId: session.tenant_id }, tx);
        }
      });
      return { ...d, approvalId };
    },
    async recordTransfer(op: Operator, sourceIp: string | null, session: SessionRow, t: { direction: 'upload' | 'download'; path: string; size: number; sm3: string | null; protocol: string }) {
      await db.transaction().execute(async (tx) => {
        const row = await dal.insertTransfer({ session_id: session.id, ...t }, tx);
        await audit.record({ actor: operatorActor(op, sourceIp), action: 'bastion_transfer.recorded', target: { type: 'bastion_session', id: session.id }, detail: { transfer: Number(row.id), ...t }, tenantId: session.tenant_id }, tx);
      });
    },
    async endSession(op: Operator, sourceIp: string | null, session: SessionRow, end: { reason: string; exitCode: number | null; recordingBytes: number; searchText: string }) {
      live.delete(session.id);
      await db.transaction().execute(async (tx) => {
        await dal.endSession(session.id, { ended_at: now(), end_reason: end.reason, exit_code: end.exitCode, recording_bytes: end.recordingBytes, search_text: end.searchText }, tx);
        await audit.record({ actor: operatorActor(op, sourceIp), action: 'bastion_session.ended', target: { type: 'bastion_session', id: session.id }, detail: { reason: end.reason, exitCode: end.exitCode, bytes: end.recordingBytes }, tenantId: session.tenant_id }, tx);
      });
    },
    async recordLoginRefused(loginId: string, sourceIp: string | null, reason: string) {
      await audit.record({ actor: { kind: 'anonymous', accountId: null, loginId: loginId.slice(0, 254), roles: [], tenantId: null, sourceIp }, action: 'bastion_session.refused', target: { type: 'bastion_asset', id: null }, outcome: 'denied', detail: { reason, channel: 'ssh' } });
    },
  };
}
export type BastionService = ReturnType<typeof createBastionService>;
