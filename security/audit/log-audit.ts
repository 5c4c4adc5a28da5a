import { sql, type Kysely } from 'kysely';
import type { AuditRecord, AuditTrail, CheckpointSigner } from '../../core/audit';
import { createArchiveService, type RemoteStore } from './archive/archive-service';
import { createAlertsService } from './alerts/alerts-service';
import { createEventsDal } from './events/events-dal';
import { createIngestPipeline } from './ingest/ingest-pipeline';
import { startListeners, type ListenerOptions, type RunningListeners } from './ingest/listeners';
import { inlineNormaliser, workerNormaliser } from './ingest/normaliser';
import { createParsersService } from './parse-editor/parsers-service';
import type { LogEvent } from './parsers/normalise-fns';
import { createRetentionService } from './retention/retention-service';
import { createRulesService } from './rules/rules-service';
import { createSearchService } from './search/search-service';
import { createSigmaEngine } from './sigma/sigma-engine';
import { createSourcesService, type TenantCheck } from './sources/sources-service';

/** The port to yiyun's own audit trail: committed records after a cursor. */
export type AuditFeed = Pick<AuditTrail, 'readAfter'>;

export type LogAuditDeps = {
  db: Kysely<any>;
  audit: Pick<AuditTrail, 'record'>;
  tenants: TenantCheck;
  /** yiyun's own trail, polled into the log audit; absent in the standalone ingest role without it. */
  feed?: AuditFeed;
  logger?: { info(o: unknown, m?: string): void; warn(o: unknown, m?: string): void; error(o: unknown, m?: string): void };
  /**
   * The PostgreSQL URL of `db`: batches are then written with COPY on connections of their own (one per writer).
   * Absent on PGlite, which takes the batched INSERT.
   */
  copyUrl?: string;
  /** Concurrent batch writers (1 for PGlite). */
  writers?: number;
  batchSize?: number;
  /** Queue length at which TCP/HTTP wait and UDP sheds. */
  highWater?: number;
  /**
   * Normalise, COPY-encode and match the detection rules on worker threads (PostgreSQL only; a number is how many,
   * true is one); correlations and storage stay on the main thread. Off by default (`yiyun serve`: YIYUN_LOG_PARSE_WORKERS): measured on the 2-core machine
   * it takes the main thread from ~32 to ~7 µs per event and raises throughput ~10–17 % with one thread, ~30 % with
   * two, for ~10–15 % more CPU in total (docs/log-audit.md).
   */
  parseWorker?: boolean | number;
  /**
   * Whether today's partition carries the full-text (trigram) index (default true): a 24 h full-text search then
   * stays fast (p95 ~25 ms over 10M events vs ~1.3 s without); false trades it for ingest throughput (the index
   * costs PostgreSQL ~2.5× the CPU per stored row of all B-trees together; docs/log-audit.md).
   */
  fullTextOpenDay?: boolean;
  /** Archiving of closed days: the zone's SM2 signer and where archives go (SFTP or a directory). */
  archive?: { signer: Pick<CheckpointSigner, 'keyId' | 'publicKeyHex' | 'sign' | 'verify' | 'envelope' | 'verifyEnvelope'>; remote: RemoteStore };
};

/** One yiyun audit record as a log event (ECS), so our own actions are searchable and detectable beside the rest. */
export function auditRecordToEvent(r: AuditRecord): LogEvent {
  const fields: Record<string, unknown> = {
    'event.dataset': 'yiyun.audit',
    'event.sequence': r.seq,
    'event.action': r.action,
    'event.outcome': r.outcome === 'success' ? 'success' : 'failure',
    'event.reason': r.outcome === 'denied' ? 'denied' : undefined,
    'event.category': r.action.startsWith('auth.') || r.action.startsWith('session.') ? 'authentication' : r.action.startsWith('account.') || r.action.startsWith('role.') ? 'iam' : 'configuration',
    'user.name': r.actorLogin,
    'user.roles': r.actorRoles,
    'source.ip': r.sourceIp ?? undefined,
    'yiyun.actor.kind': r.actorKind,
    'yiyun.target.type': r.targetType,
    'yiyun.target.id': r.targetId ?? undefined,
    'yiyun.request_id': r.requestId ?? undefined,
    'host.name': 'yiyun',
    'process.name': 'yiyun',
    message: `${r.actorLogin} ${r.action} ${r.targetType}${r.targetId ? ` ${r.targetId}` : ''} (${r.outcome})`,
  };
  for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k];
  const raw = JSON.stringify({ seq: r.seq, at: r.occurredAt, actor: r.actorLogin, action: r.action, target: `${r.targetType}:${r.targetId ?? ''}`, outcome: r.outcome, ip: r.sourceIp });
  return { ts: r.occurredAt, raw, parser: 'yiyun', fields };
}

/** Builds the log-audit room: storage, parsers, the Sigma engine, ingest, search, alerts, rules, retention. */
export function createLogAudit(deps: LogAuditDeps) {
  const { db } = deps;
  const events = createEventsDal(db, { copyUrl: deps.copyUrl, copyConnections: deps.writers });
  const engine = createSigmaEngine();
  const alerts = createAlertsService({ db, audit: deps.audit });
  const sources = createSourcesService({ db, audit: deps.audit, tenants: deps.tenants });
  const normaliser = deps.parseWorker && deps.copyUrl ? workerNormaliser(deps.logger, { threads: typeof deps.parseWorker === 'number' ? deps.parseWorker : 1 }) : inlineNormaliser();
  const rules = createRulesService({
    db,
    audit: deps.audit,
    onChange: (r, yaml) => {
      engine.load(r);
      normaliser.setRules(yaml);
    },
  });
  const parsers = createParsersService({ db, audit: deps.audit });
  const search = createSearchService({ db, audit: deps.audit });
  const archive = deps.archive ? createArchiveService({ db, audit: deps.audit, signer: deps.archive.signer, remote: deps.archive.remote, events }) : null;
  const retention = createRetentionService({ db, audit: deps.audit, events, raise: (a) => alerts.store(a), archiver: archive ?? undefined, fullTextOpenDay: deps.fullTextOpenDay ?? true });
  const pipeline = createIngestPipeline({
    db,
    events,
    engine,
    onAlerts: (a) => alerts.store(a),
    customParsers: () => parsers.active(),
    retentionDays: () => retention.retentionDays(),
    logger: deps.logger,
    writers: deps.writers,
    batchSize: deps.batchSize,
    highWater: deps.highWater,
    normaliser,
  });

  let listeners: RunningListeners | null = null;
  let feedTimer: NodeJS.Timeout | null = null;
  let maintTimer: NodeJS.Timeout | null = null;
  let rulesTimer: NodeJS.Timeout | null = null;
  let feedBusy: Promise<void> | null = null;

  /** Reads new records of yiyun's own trail into the log audit; the cursor moves in the same transaction as nothing else, after the batch committed. */
  async function pollFeed(): Promise<number> {
    if (!deps.feed) return 0;
    const src = await sources.ensureInternal('yiyun audit trail');
    const cur = await sql<{ position: number }>`select position from logaudit.cursors where name = 'yiyun.audit'`.execute(db);
    let after = Number(cur.rows[0]?.position ?? 0);
    let total = 0;
    for (;;) {
      const recs = await deps.feed.readAfter(after, 500);
      if (recs.length === 0) break;
      await pipeline.submit(recs.map((r) => ({ line: '', event: auditRecordToEvent(r), sourceId: src.sourceId, tenantId: r.tenantId, parser: 'yiyun', peerIp: null, receivedAt: new Date() })));
      after = recs[recs.length - 1]!.seq;
      // At-least-once: the cursor moves only after the events committed; a crash in between re-reads a page.
      await sql`insert into logaudit.cursors (name, position) values ('yiyun.audit', ${after}) on conflict (name) do update set position = excluded.position`.execute(db);
      total += recs.length;
      if (recs.length < 500) break;
    }
    return total;
  }

  return {
    events,
    engine,
    alerts,
    sources,
    rules,
    parsers,
    search,
    retention,
    archive,
    pipeline,
    pollFeed: () => (feedBusy ??= pollFeed().then(() => undefined).finally(() => (feedBusy = null))).then(() => undefined),

    /** Loads rules and parsers and creates the partitions ahead (no listeners). */
    async init(now = new Date()): Promise<void> {
      await retention.load();
      await events.createAhead(now, 3);
      // Today's and the days ahead are new or small: index them now rather than at the first hourly upkeep.
      if (deps.fullTextOpenDay ?? true) await events.indexDays(now, { closed: false, open: true });
      await rules.installBuiltins();
      await parsers.refresh();
    },

    /** Starts the listeners, the trail feed and the daily upkeep. */
    async start(opts: ListenerOptions & { feedEveryMs?: number; maintainEveryMs?: number; rulesEveryMs?: number } = {}): Promise<RunningListeners> {
      listeners = await startListeners(pipeline, sources.resolver, opts, deps.logger);
      if (deps.feed) {
        const every = opts.feedEveryMs ?? 2000;
        const tick = () => {
          this.pollFeed()
            .catch((err: unknown) => deps.logger?.warn({ err }, 'audit trail feed failed'))
            .finally(() => {
              if (feedTimer) feedTimer = setTimeout(tick, every);
            });
        };
        feedTimer = setTimeout(tick, 10);
      }
      const maintainEvery = opts.maintainEveryMs ?? 3_600_000;
      maintTimer = setInterval(() => {
        retention.maintain().catch((err: unknown) => deps.logger?.warn({ err }, 'log retention upkeep failed'));
      }, maintainEvery);
      maintTimer.unref();
      // Rules imported by `yiyun log-audit import-rules` (or another replica) reach this engine without a restart.
      rulesTimer = setInterval(() => {
        rules.reloadIfChanged().catch((err: unknown) => deps.logger?.warn({ err }, 'reloading the Sigma rules failed'));
      }, opts.rulesEveryMs ?? 15_000);
      rulesTimer.unref();
      deps.logger?.info({ udp: listeners.udp, tcp: listeners.tcp, tls: listeners.tls, http: listeners.http }, 'log audit listening');
      return listeners;
    },

    async stop(): Promise<void> {
      if (feedTimer) clearTimeout(feedTimer);
      feedTimer = null;
      if (maintTimer) clearInterval(maintTimer);
      if (rulesTimer) clearInterval(rulesTimer);
      await listeners?.close();
      listeners = null;
      await feedBusy?.catch(() => {});
      await pipeline.stop();
      await events.close();
    },
  };
}

export type LogAudit = ReturnType<typeof createLogAudit>;
