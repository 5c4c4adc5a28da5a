import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Settings } from '../../core/config';
import { openDatabase, runMigrations } from '../../core/db';
import type { Logger } from '../../core/log';
import { createLogAudit, directoryStore, logAuditModule, logAuditRoutes, sftpStore, type ListenerOptions, type LogAudit, type RemoteStore } from '../../security/audit';
import type { RoomWiring } from './room';
import { estateBoundaryDevices } from './log-audit-evidence-deps';
import { logAuditEvidenceSource } from './security-evidence';

/** The listener options the settings describe (unset ports stay off). */
export function logAuditListenerOptions(settings: Settings): ListenerOptions {
  const tls =
    settings.YIYUN_SYSLOG_TLS_PORT !== undefined
      ? (() => {
          if (!settings.YIYUN_SYSLOG_TLS_CERT || !settings.YIYUN_SYSLOG_TLS_KEY) throw new Error('YIYUN_SYSLOG_TLS_PORT needs YIYUN_SYSLOG_TLS_CERT and YIYUN_SYSLOG_TLS_KEY (PEM files)');
          return { cert: readFileSync(settings.YIYUN_SYSLOG_TLS_CERT), key: readFileSync(settings.YIYUN_SYSLOG_TLS_KEY) };
        })()
      : null;
  return {
    host: settings.YIYUN_SYSLOG_HOST,
    udpPort: settings.YIYUN_SYSLOG_UDP_PORT ?? null,
    tcpPort: settings.YIYUN_SYSLOG_TCP_PORT ?? null,
    tlsPort: settings.YIYUN_SYSLOG_TLS_PORT ?? null,
    tls,
    httpPort: settings.YIYUN_LOG_INGEST_HTTP_PORT ?? null,
  };
}

/** Where archives of closed days go: the SFTP target when configured, else a directory under the data dir. */
export function logArchiveStore(settings: Settings): RemoteStore {
  if (settings.YIYUN_LOG_ARCHIVE_SFTP) {
    const u = new URL(settings.YIYUN_LOG_ARCHIVE_SFTP);
    if (u.protocol !== 'sftp:') throw new Error('YIYUN_LOG_ARCHIVE_SFTP is sftp://user@host:port/directory');
    return sftpStore({
      host: u.hostname,
      port: Number(u.port || 22),
      username: decodeURIComponent(u.username),
      password: u.password ? decodeURIComponent(u.password) : undefined,
      privateKey: settings.YIYUN_LOG_ARCHIVE_SFTP_KEY ? readFileSync(settings.YIYUN_LOG_ARCHIVE_SFTP_KEY) : undefined,
      directory: decodeURIComponent(u.pathname) || '/',
      hostKeySha256: settings.YIYUN_LOG_ARCHIVE_SFTP_HOSTKEY_SHA256,
    });
  }
  return directoryStore(path.resolve(settings.YIYUN_LOG_ARCHIVE_DIR ?? path.join(settings.YIYUN_DATA_DIR, 'log-archives')));
}

/** The log audit (日志审计) inside `yiyun serve`: routes, listeners, the audit-trail feed and the daily upkeep. */
export const logAuditWiring: RoomWiring = {
  name: 'log-audit',
  modules: [logAuditModule()],
  async build(base) {
    const la = createLogAudit({
      db: base.db,
      audit: base.audit,
      tenants: { exists: (id) => base.tenants.exists(id) },
      feed: base.audit,
      logger: base.logger,
      writers: base.settings.DATABASE_URL ? 2 : 1,
      // On PostgreSQL batches go through COPY on connections of their own (PGlite takes the batched INSERT).
      copyUrl: base.settings.DATABASE_URL || undefined,
      fullTextOpenDay: base.settings.YIYUN_LOG_FULLTEXT_INDEX === 'all-days',
      parseWorker: base.settings.YIYUN_LOG_PARSE_WORKERS || false,
      archive: { signer: base.signer, remote: logArchiveStore(base.settings) },
    });
    await la.init();
    return {
      routes: logAuditRoutes(la),
      start: async () => {
        await la.start(logAuditListenerOptions(base.settings));
      },
      stop: () => la.stop(),
      exports: {
        logAudit: la,
        evidence: logAuditEvidenceSource({ retention: la.retention, sources: la.sources, rules: la.rules, alerts: la.alerts, search: la.search, boundaryDevices: estateBoundaryDevices(base.settings), archive: base.settings.YIYUN_LOG_ARCHIVE_SFTP ? 'sftp' : 'directory' }),
      },
    };
  },
};

/**
 * `yiyun run log-audit`: the ingest role alone (listeners, detection, upkeep) over the configured database.
 * The API stays with `yiyun serve`; this role needs only the log-audit schema and the audit trail's table.
 */
export async function startLogAuditRole(settings: Settings, logger: Logger): Promise<{ la: LogAudit; stop(): Promise<void> }> {
  if (!settings.DATABASE_URL) throw new Error('yiyun run log-audit needs DATABASE_URL (PostgreSQL shared with yiyun serve)');
  const database = await openDatabase({ kind: 'postgres', url: settings.DATABASE_URL, prepareThreshold: settings.YIYUN_DB_PREPARE_THRESHOLD });
  await runMigrations(database.db, logAuditWiring.modules);
  const noAudit = {
    // The ingest role changes no configuration; system records it would write go to the log only.
    record: async () => ({ seq: 0, hash: '' }),
  };
  const la = createLogAudit({ db: database.db, audit: noAudit, tenants: { exists: async () => false }, logger, writers: 4, copyUrl: settings.DATABASE_URL });
  await la.init();
  await la.start(logAuditListenerOptions(settings));
  return {
    la,
    stop: async () => {
      await la.stop();
      await database.close();
    },
  };
}
