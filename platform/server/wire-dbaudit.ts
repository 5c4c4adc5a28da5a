import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createDbAuditService, createMysqlProxy, createPgProxy, createRoutineSource, dbauditModule, dbauditRoutes } from '../../security/dbaudit';
import { createDbAuditReports, dbauditReportRoutes } from '../../security/dbaudit/reports';
import { dbauditEvidenceSource } from './dbaudit-evidence';
import type { RoomWiring } from './room';

const hostPort = (s: string) => {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
};

/** The proxy's TLS certificate for clients: made once with openssl (P-256, self-signed) in the data directory. */
function loadOrCreateCert(dir: string): { key: string; cert: string } {
  const key = path.join(dir, 'proxy-key.pem');
  const cert = path.join(dir, 'proxy-cert.pem');
  if (!existsSync(key) || !existsSync(cert)) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=yiyun-dbaudit', '-days', '825', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  }
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

export const dbauditWiring: RoomWiring = {
  name: 'dbaudit',
  modules: [dbauditModule()],
  build(base) {
    const pgUp = hostPort(base.settings.YIYUN_DBAUDIT_PG_UPSTREAM);
    const myUp = hostPort(base.settings.YIYUN_DBAUDIT_MYSQL_UPSTREAM);
    // Routine bodies are read over separate upstream connections as the calling account (see routine-learner.ts).
    const routines = createRoutineSource({ pg: { host: pgUp.host, port: pgUp.port }, mysql: { host: myUp.host, port: myUp.port } });
    // On PostgreSQL statement rows go through COPY on a connection of the recorder's own (PGlite takes the batched INSERT).
    const service = createDbAuditService({ db: base.db, logger: base.logger, routines, copyUrl: base.settings.DATABASE_URL || undefined });
    let proxy: ReturnType<typeof createPgProxy> | null = null;
    let myProxy: ReturnType<typeof createMysqlProxy> | null = null;
    return {
      routes: [...dbauditRoutes(service), ...dbauditReportRoutes(createDbAuditReports({ db: base.db, audit: base.audit }))],
      exports: {
        dbaudit: service,
        evidence: dbauditEvidenceSource({ service, proxies: { postgresql: base.settings.YIYUN_DBAUDIT_PG_LISTEN ?? null, mysql: base.settings.YIYUN_DBAUDIT_MYSQL_LISTEN ?? null }, upstreamTls: base.settings.YIYUN_DBAUDIT_UPSTREAM_TLS }),
      },
      async start() {
        const listen = base.settings.YIYUN_DBAUDIT_PG_LISTEN;
        const myListen = base.settings.YIYUN_DBAUDIT_MYSQL_LISTEN;
        if (!listen && !myListen) return;
        const dir = path.resolve(base.settings.YIYUN_DATA_DIR, 'dbaudit');
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const cert = loadOrCreateCert(dir);
        if (listen) {
          const l = hostPort(listen);
          proxy = createPgProxy({ listenHost: l.host, listenPort: l.port, upstreamHost: pgUp.host, upstreamPort: pgUp.port, upstreamTls: base.settings.YIYUN_DBAUDIT_UPSTREAM_TLS, tls: cert, sink: service.sink, logger: base.logger });
          const port = await proxy.listen();
          base.logger.info({ port }, 'db-audit PostgreSQL proxy listening');
        }
        if (myListen) {
          const l = hostPort(myListen);
          myProxy = createMysqlProxy({ listenHost: l.host, listenPort: l.port, upstreamHost: myUp.host, upstreamPort: myUp.port, upstreamTls: base.settings.YIYUN_DBAUDIT_UPSTREAM_TLS, tls: cert, sink: service.sink, logger: base.logger });
          const port = await myProxy.listen();
          base.logger.info({ port }, 'db-audit MySQL proxy listening');
        }
      },
      async stop() {
        await proxy?.close();
        await myProxy?.close();
        await service.stop();
      },
    };
  },
};
