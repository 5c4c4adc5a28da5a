import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import type { AuditTrail, CheckpointSigner } from '../../../core/audit';
import { systemActor, type Actor } from '../../../core/authz';
import { sm3Hex } from '../../../core/crypto';
import { ConflictError, InputError, NotFoundError } from '../../../core/errors';
import type { EventsDal } from '../events/events-dal';

/** Where archives go (SFTP in production; a directory in tests and when no remote is configured). */
export type RemoteStore = {
  describe(): string;
  put(name: string, data: Buffer): Promise<void>;
  get(name: string): Promise<Buffer>;
};

/** The manifest each archive carries; its canonical JSON is what the SM2 signature covers. */
export type ArchiveManifest = {
  format: 'yiyun.logaudit.archive/1';
  day: string;
  file: string;
  events: number;
  bytes: number;
  sm3: string;
  createdAt: string;
  keyId: string;
  publicKey: string;
};

const canonical = (m: ArchiveManifest) => JSON.stringify(m, Object.keys(m).sort());
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A directory as remote storage (local backups, tests). */
export function directoryStore(dir: string): RemoteStore {
  return {
    describe: () => `file://${dir}`,
    put: async (name, data) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, name), data);
    },
    get: async (name) => readFileSync(path.join(dir, name)),
  };
}

/**
 * Archives of closed days: every event of the day as gzip-compressed NDJSON, its SM3 digest, and a manifest signed
 * with the zone's SM2 key; shipped to remote storage. Restore verifies both before a single row is loaded.
 */
export function createArchiveService(deps: {
  db: Kysely<any>;
  audit: Pick<AuditTrail, 'record'>;
  /** The audit signer; with the signing service behind it, manifests also carry a yiyun-sig/1 envelope. */
  signer: Pick<CheckpointSigner, 'keyId' | 'publicKeyHex' | 'sign' | 'verify' | 'envelope' | 'verifyEnvelope'>;
  remote: RemoteStore;
  events: Pick<EventsDal, 'ensureDays'>;
}) {
  const { db } = deps;
  return {
    async isArchived(day: string): Promise<boolean> {
      const r = await sql`select 1 from logaudit.archives where day = ${day}::date and remote is not null`.execute(db);
      return r.rows.length > 0;
    },

    /** Archives one closed (past) UTC day and ships it; answers the signed manifest. */
    async archiveDay(day: string, actor: Actor = systemActor('log-archive')): Promise<ArchiveManifest> {
      if (!DAY.test(day)) throw new InputError('a day is YYYY-MM-DD', { code: 'log_archive.bad_day' });
      if (day >= new Date().toISOString().slice(0, 10)) throw new ConflictError('only closed days (before today, UTC) can be archived', { code: 'log_archive.day_open' });
      const lo = new Date(`${day}T00:00:00Z`);
      const hi = new Date(lo.getTime() + 86_400_000);
      const rows = await sql<Record<string, unknown>>`select id, ts, received_at, tenant_id, source_id, host_name, host(source_ip) as source_ip, user_name, event_action, event_outcome, event_category, severity, parser, message, raw, fields
        from logaudit.events where ts >= ${lo} and ts < ${hi} order by id`.execute(db);
      const ndjson = rows.rows.map((r) => JSON.stringify(r)).join('\n');
      const data = gzipSync(Buffer.from(ndjson, 'utf8'), { level: 6 });
      const file = `logaudit-${day}.ndjson.gz`;
      const manifest: ArchiveManifest = { format: 'yiyun.logaudit.archive/1', day, file, events: rows.rows.length, bytes: data.length, sm3: sm3Hex(data), createdAt: new Date().toISOString(), keyId: deps.signer.keyId, publicKey: deps.signer.publicKeyHex };
      const signature = deps.signer.sign(Buffer.from(canonical(manifest))).toString('base64');
      // The signing service's detached envelope (yiyun-sig/1) carries the signer's certificate chain for restore.
      const certified = deps.signer.envelope?.(Buffer.from(canonical(manifest)), `log-archive:${day}`) ?? null;
      // Ship first (network, outside any transaction), then record that it landed.
      await deps.remote.put(file, data);
      await deps.remote.put(`${file}.manifest.json`, Buffer.from(JSON.stringify({ manifest, signature, ...(certified ? { envelope: certified } : {}) }, null, 2)));
      await db.transaction().execute(async (tx) => {
        await sql`insert into logaudit.archives (day, file_name, events, bytes, sm3, manifest, signature, remote)
          values (${day}::date, ${file}, ${manifest.events}, ${manifest.bytes}, ${manifest.sm3}, ${JSON.stringify(manifest)}::jsonb, ${signature}, ${deps.remote.describe()})
          on conflict (day) do update set file_name = excluded.file_name, events = excluded.events, bytes = excluded.bytes, sm3 = excluded.sm3, manifest = excluded.manifest,
            signature = excluded.signature, remote = excluded.remote, created_at = now()`.execute(tx);
        await deps.audit.record({ actor, action: 'log_archive.created', target: { type: 'log_archive', id: day }, after: { file, events: manifest.events, bytes: manifest.bytes, sm3: manifest.sm3, remote: deps.remote.describe() } }, tx);
      });
      return manifest;
    },

    /**
     * Archived days with the state of their signature: the recorded manifest checked against the zone's SM2 key
     * (a tampered row or a manifest signed by another key shows `invalid`). The remote copy is checked on restore.
     */
    async list() {
      const r = await sql<{ day: Date | string; file_name: string; events: number; bytes: number; sm3: string; manifest: ArchiveManifest; signature: string; remote: string | null; created_at: Date; restored_at: Date | null }>`select * from logaudit.archives order by day desc`.execute(db);
      const signatureOf = (m: ArchiveManifest, sig: string, sm3: string): 'valid' | 'invalid' => {
        try {
          return m.sm3 === sm3 && m.publicKey === deps.signer.publicKeyHex && deps.signer.verify(Buffer.from(canonical(m)), Buffer.from(sig, 'base64'), deps.signer.publicKeyHex) ? 'valid' : 'invalid';
        } catch {
          return 'invalid';
        }
      };
      return {
        items: r.rows.map((x) => ({
          day: typeof x.day === 'string' ? x.day : new Date(x.day).toISOString().slice(0, 10),
          file: x.file_name,
          events: Number(x.events),
          bytes: Number(x.bytes),
          sm3: x.sm3,
          keyId: x.manifest?.keyId ?? null,
          signature: signatureOf(x.manifest, x.signature, x.sm3),
          remote: x.remote,
          createdAt: x.created_at,
          restoredAt: x.restored_at,
        })),
        total: r.rows.length,
      };
    },

    /**
     * Fetches an archived day back, checks the SM2 signature of its manifest and the SM3 digest of its data, and
     * loads its events for search (rows already present are kept once).
     */
    async restoreDay(actor: Actor, day: string, trustedPublicKeyHex = deps.signer.publicKeyHex): Promise<{ restored: number; skipped: number }> {
      if (!DAY.test(day)) throw new InputError('a day is YYYY-MM-DD', { code: 'log_archive.bad_day' });
      const file = `logaudit-${day}.ndjson.gz`;
      let envelope: { manifest: ArchiveManifest; signature: string; envelope?: unknown };
      let data: Buffer;
      try {
        envelope = JSON.parse((await deps.remote.get(`${file}.manifest.json`)).toString('utf8')) as typeof envelope;
        data = await deps.remote.get(file);
      } catch {
        throw new NotFoundError(`no archive of ${day} at ${deps.remote.describe()}`, { code: 'log_archive.not_found' });
      }
      const m = envelope.manifest;
      // Certified archives are trusted through their chain to the zone root; older ones through the trusted key.
      if (envelope.envelope != null && deps.signer.verifyEnvelope) {
        const check = await deps.signer.verifyEnvelope(Buffer.from(canonical(m)), envelope.envelope);
        if (!check.valid || check.publicKey !== m.publicKey) {
          throw new ConflictError(`the manifest of ${day} has an invalid signature envelope: ${check.reason ?? 'signed by another key than the manifest names'}`, { code: 'log_archive.bad_signature' });
        }
        trustedPublicKeyHex = m.publicKey;
      }
      if (m.publicKey !== trustedPublicKeyHex || !deps.signer.verify(Buffer.from(canonical(m)), Buffer.from(envelope.signature, 'base64'), trustedPublicKeyHex)) {
        throw new ConflictError(`the manifest of ${day} is not signed by the trusted SM2 key`, { code: 'log_archive.bad_signature' });
      }
      if (sm3Hex(data) !== m.sm3 || data.length !== m.bytes || m.day !== day) throw new ConflictError(`the archive of ${day} does not match its manifest (SM3 digest differs)`, { code: 'log_archive.bad_digest' });
      const rows = gunzipSync(data).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
      const lo = new Date(`${day}T00:00:00Z`);
      const result = await db.transaction().execute(async (tx) => {
        await deps.events.ensureDays([lo], { from: new Date(0), to: new Date(8.64e15) }, tx);
        const existing = new Set((await sql<{ id: number }>`select id from logaudit.events where ts >= ${lo} and ts < ${new Date(lo.getTime() + 86_400_000)}`.execute(tx)).rows.map((r) => Number(r.id)));
        const fresh = rows.filter((r) => !existing.has(Number(r.id)));
        for (let i = 0; i < fresh.length; i += 1000) {
          const part = fresh.slice(i, i + 1000);
          const col = (k: string) => part.map((r) => (r[k] === undefined ? null : r[k]));
          await sql`insert into logaudit.events (id, ts, received_at, tenant_id, source_id, host_name, source_ip, user_name, event_action, event_outcome, event_category, severity, parser, message, raw, fields)
            select * from unnest(${col('id')}::bigint[], ${col('ts')}::timestamptz[], ${col('received_at')}::timestamptz[], ${col('tenant_id')}::uuid[], ${col('source_id')}::uuid[],
              ${col('host_name')}::text[], ${col('source_ip')}::inet[], ${col('user_name')}::text[], ${col('event_action')}::text[], ${col('event_outcome')}::text[], ${col('event_category')}::text[],
              ${col('severity')}::smallint[], ${col('parser')}::text[], ${col('message')}::text[], ${col('raw')}::text[], ${part.map((r) => JSON.stringify(r.fields))}::jsonb[])`.execute(tx);
        }
        await sql`update logaudit.archives set restored_at = now() where day = ${day}::date`.execute(tx);
        await deps.audit.record({ actor, action: 'log_archive.restored', target: { type: 'log_archive', id: day }, after: { restored: fresh.length, skipped: rows.length - fresh.length, sm3: m.sm3 } }, tx);
        return { restored: fresh.length, skipped: rows.length - fresh.length };
      });
      return result;
    },
  };
}

export type ArchiveService = ReturnType<typeof createArchiveService>;
