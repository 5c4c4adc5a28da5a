import test from 'ava';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../test/support/test-server';
import { permissionsOf } from './identity-roles';

/**
 * The non-GET routes the audit administrator may call, each with why it does not break "reads and verifies the
 * trail, changes nothing": its own credentials and session, and reads that take their query in a POST body.
 * A new route that lets auditadmin change anything else fails the walk below until it is justified here.
 */
const AUDITADMIN_MAY: Record<string, string> = {
  'POST /api/auth/login': 'public: logging in',
  'POST /api/auth/login/mfa': 'public: the second login step',
  'POST /api/auth/logout': 'ends its own session',
  'POST /api/auth/password': 'its own password (forced at first login, expiry)',
  'POST /api/auth/mfa/totp/setup': 'its own second factor (required for the role)',
  'POST /api/auth/mfa/totp/confirm': 'its own second factor',
  'POST /api/auth/tokens': 'its own API token, for scripted audit reviews; audited',
  'DELETE /api/auth/tokens/:id': 'revokes its own API token; audited',
  'POST /api/bastion/profile/keys': 'its own SSH key for logging in through the bastion; audited',
  'DELETE /api/bastion/profile/keys/:id': 'removes its own SSH key; audited',
  'POST /api/audit/verify': 'verifies the chain: the role’s own job, writes nothing',
  'POST /api/log-audit/search': 'a read whose query is a POST body',
  'POST /api/log-audit/aggregate': 'a read whose query is a POST body',
  'POST /api/log-audit/parsers/test': 'a dry run of a parser on pasted lines, stores nothing',
  'POST /api/log-audit/saved-queries': 'its own saved search; audited',
  'DELETE /api/log-audit/saved-queries/:id': 'deletes its own saved search; audited',
};

const SOME_ID = '00000000-0000-4000-8000-000000000000';

test.serial('auditadmin is refused every state-changing route except its justified allow-list', async (t) => {
  const srv = await startTestServer('postgres');
  try {
    const admin = new ApiClient(srv.url);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const made = await admin.post('/api/accounts', { loginId: 'auditor.walk', displayName: '审计员', roles: ['auditadmin'] });
    const auditor = new ApiClient(srv.url);
    await loginThroughFirstSteps(auditor, 'auditor.walk', made.body.initialPassword, 'Auditor#Pass2026');

    const perms = permissionsOf(['auditadmin']);
    const writes = srv.ctx.routes.filter((r) => r.method !== 'get');
    t.true(writes.length > 50, 'the walk sees the whole route registry');
    const key = (r: (typeof writes)[number]) => `${r.method.toUpperCase()} ${r.path}`;
    const allowed = writes.filter((r) => r.access === 'public' || r.access === 'authenticated' || perms.has(r.access));
    t.deepEqual(allowed.map(key).sort(), Object.keys(AUDITADMIN_MAY).sort(), 'every write auditadmin may call is on the justified list');

    const deniedBefore = (await srv.ctx.audit.search({ offset: 0, limit: 1, outcome: 'denied', actor: 'auditor.walk' })).total;
    let walked = 0;
    for (const r of writes) {
      if (AUDITADMIN_MAY[key(r)]) continue;
      const url = r.path.replace(/:[A-Za-z]+/g, SOME_ID);
      const res = await auditor.call(r.method.toUpperCase(), url, {});
      t.is(res.status, 403, key(r));
      t.is(res.body.code, 'forbidden', key(r));
      walked++;
    }
    const deniedAfter = (await srv.ctx.audit.search({ offset: 0, limit: 1, outcome: 'denied', actor: 'auditor.walk' })).total;
    t.is(deniedAfter - deniedBefore, walked, 'every refusal is in the trail');

    // Its saved searches are state changes too: each is audited with its actor.
    const saved = await auditor.post('/api/log-audit/saved-queries', { name: '夜间登录失败', query: { text: 'failure' } });
    t.is(saved.status, 201);
    t.is((await auditor.delete(`/api/log-audit/saved-queries/${saved.body.id}`)).status, 204);
    const trail = await srv.ctx.audit.search({ offset: 0, limit: 10, targetType: 'log_saved_query' });
    t.deepEqual(trail.items.map((x) => [x.action, x.actorLogin, x.targetId]).sort(), [
      ['log_query.deleted', 'auditor.walk', saved.body.id],
      ['log_query.saved', 'auditor.walk', saved.body.id],
    ]);
    t.is((await auditor.delete(`/api/log-audit/saved-queries/${saved.body.id}`)).status, 404);
    t.is((await srv.ctx.audit.search({ offset: 0, limit: 10, targetType: 'log_saved_query' })).total, 2, 'a refused delete records no change');
  } finally {
    await srv.cleanup();
  }
});
