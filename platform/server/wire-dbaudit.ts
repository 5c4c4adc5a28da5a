import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createDbAuditService, createPgProxy, dbauditModule, dbauditRoutes } from '../../security/dbaudit';
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
    const service = createDbAuditService({ db: base.db, logger: base.logger });
    let proxy: ReturnType<typeof createPgProxy> | null = null;
    return {
      routes: dbauditRoutes(service),
      exports: { dbaudit: service },
      async start() {
        const listen = base.settings.YIYUN_DBAUDIT_PG_LISTEN;
        if (!listen) return;
        const dir = path.resolve(base.settings.YIYUN_DATA_DIR, 'dbaudit');
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const l = hostPort(listen);
        const u = hostPort(base.settings.YIYUN_DBAUDIT_PG_UPSTREAM);
        proxy = createPgProxy({ listenHost: l.host, listenPort: l.port, upstreamHost: u.host, upstreamPort: u.port, upstreamTls: base.settings.YIYUN_DBAUDIT_UPSTREAM_TLS, tls: loadOrCreateCert(dir), sink: service.sink, logger: base.logger });
        const port = await proxy.listen();
        base.logger.info({ port }, 'db-audit PostgreSQL proxy listening');
      },
      async stop() {
        await proxy?.close();
        await service.stop();
      },
    };
  },
};
