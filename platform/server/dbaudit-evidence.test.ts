import { randomUUID } from 'node:crypto';
import test from 'ava';
import { allCatalogues, createEvidenceRegistry } from '../../compliance';
import { runChecks } from '../../compliance/checks/check-runner';
import { createTestDatabase } from '../../core/db/testing';
import { createLogger } from '../../core/log';
import { createDbAuditService, dbauditModule } from '../../security/dbaudit';
import { createDbAuditDal } from '../../security/dbaudit/dbaudit-dal';
import { dbauditEvidenceSource, type DbAuditEvidenceDeps } from './dbaudit-evidence';

const KNOWN = new Set(allCatalogues().flatMap((c) => c.items.map((i) => i.id)));

async function verdicts(deps: DbAuditEvidenceDeps) {
  const registry = createEvidenceRegistry(KNOWN);
  registry.register(dbauditEvidenceSource(deps));
  const recs = await runChecks(registry.checks());
  for (const r of recs) if (r.status !== 'ok') throw new Error(r.error ?? 'check failed');
  return Object.fromEntries(recs.map((r) => [r.itemId, r]));
}

test.serial('security.db-audit: no proxy → 不符合; a proxy with no traffic → 部分符合; recorded statements with every field → 符合; records without a user → 部分符合', async (t) => {
  const database = await createTestDatabase('postgres', [dbauditModule()]);
  const service = createDbAuditService({ db: database.db, logger: createLogger({ level: 'silent' }) });
  try {
    const dal = createDbAuditDal(database.db);
    const none = await verdicts({ service, proxies: { postgresql: null, mysql: null }, upstreamTls: 'prefer' });
    for (const id of ['L3-CES1-12', 'L3-CES1-13', 'L3-SMC1-10']) t.is(none[id]!.verdict, 'fail', id);

    const configured: DbAuditEvidenceDeps = { service, proxies: { postgresql: '0.0.0.0:6432', mysql: null }, upstreamTls: 'require' };
    t.is((await verdicts(configured))['L3-CES1-12']!.verdict, 'partial');

    const conn = randomUUID();
    await dal.insertConnection({ id: conn, engine: 'postgresql', src_ip: '10.20.5.7', src_port: 50000, dst_ip: '10.20.3.5', dst_port: 5432, db_user: 'his_app', db_name: 'his', client_program: 'his-server', client_tls: true, upstream_tls: true, auth_ok: true, auth_error: null, ended_at: null });
    const stmt = (user: string | null) => ({ connection_id: conn, engine: 'postgresql', at: new Date(), src_ip: '10.20.5.7', src_port: 50000, dst_ip: '10.20.3.5', dst_port: 5432, db_user: user, db_name: 'his', client_program: 'his-server', protocol: 'extended' as const, command: 'SELECT', objects: ['public.patients'], sql: 'select * from patients where id = $1', params: '["1"]', rows: 1, duration_ms: 0.4, error_code: null, error_message: null });
    await dal.insertStatement(stmt('his_app'));
    await dal.insertStatement(stmt('his_app'));
    let v = await verdicts(configured);
    t.is(v['L3-CES1-12']!.verdict, 'pass');
    t.is(v['L3-CES1-13']!.verdict, 'pass');
    t.is(v['L3-SMC1-10']!.verdict, 'pass');
    const ev = v['L3-CES1-12']!.evidence as { statements: { recent: number }; connections: { clientTls: number }[]; proxies: { engine: string }[] };
    t.is(ev.statements.recent, 2);
    t.is(ev.connections[0]!.clientTls, 1);
    t.deepEqual(ev.proxies.map((p) => p.engine), ['postgresql']);

    // A statement recorded without its database user: the record lacks who did it.
    await dal.insertStatement(stmt(null));
    v = await verdicts(configured);
    t.is(v['L3-CES1-13']!.verdict, 'partial');
    t.is(v['L3-CES1-12']!.verdict, 'pass');
  } finally {
    await service.stop();
    await database.close();
  }
});
