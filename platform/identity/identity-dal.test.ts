import test from 'ava';
import { createTestDatabase, testDatabaseKinds } from '../../core/db/testing';
import { createIdentityDal } from './identity-dal';
import { identityModule } from './index';

for (const kind of testDatabaseKinds()) {
  test.serial(`${kind}: identity data layer — accounts, lookups, lists, sessions, tokens, recovery codes`, async (t) => {
    const d = await createTestDatabase(kind, [identityModule()]);
    const dal = createIdentityDal(d.db);
    try {
      const a = await dal.insertAccount({ login_id: 'Zhang.San', display_name: '张三', email: 'zs@lc.example', phone: '13800000000', roles: ['sysadmin'], password_hash: 'x' });
      await dal.insertAccount({ login_id: 'li.si', display_name: '李四', roles: ['tenant-member'], tenant_id: '00000000-0000-4000-8000-000000000001', password_hash: 'x', allowed_windows: [{ days: [1], from: '08:00', to: '18:00' }] });
      t.is((await dal.findAccountByLogin('zhang.san'))?.id, a.id);
      t.is((await dal.findAccountByLogin('ZS@lc.example'))?.id, a.id);
      t.is((await dal.findAccountByLogin('13800000000'))?.id, a.id);
      t.is(await dal.findAccountByLogin('nobody'), undefined);
      await t.throwsAsync(() => dal.insertAccount({ login_id: 'ZHANG.SAN', display_name: 'dup', roles: ['assessor'], password_hash: 'x' }));

      const bySearch = await dal.listAccounts({ offset: 0, limit: 10, sort: 'loginId', order: 'asc', q: '张' });
      t.deepEqual(bySearch.rows.map((r) => r.login_id), ['Zhang.San']);
      const byRole = await dal.listAccounts({ offset: 0, limit: 10, sort: 'loginId', order: 'asc', role: 'tenant-member' });
      t.is(byRole.total, 1);
      t.deepEqual(byRole.rows[0]!.allowed_windows, [{ days: [1], from: '08:00', to: '18:00' }]);
      const scoped = await dal.listAccounts({ offset: 0, limit: 10, sort: 'loginId', order: 'asc', scopeTenantId: '00000000-0000-4000-8000-000000000001' });
      t.deepEqual(scoped.rows.map((r) => r.login_id), ['li.si']);
      const page = await dal.listAccounts({ offset: 1, limit: 1, sort: 'loginId', order: 'asc' });
      t.is(page.total, 2);
      t.is(page.rows.length, 1);

      const updated = await d.db.transaction().execute((tx) => dal.updateAccount(a.id, { failed_attempts: 3, allowed_cidrs: ['10.0.0.0/8'] }, tx));
      t.is(updated.failed_attempts, 3);
      t.deepEqual(updated.allowed_cidrs, ['10.0.0.0/8']);

      for (const h of ['h1', 'h2', 'h3']) await dal.addPasswordHistory(a.id, h);
      t.is((await dal.recentPasswordHashes(a.id, 2)).length, 2);

      const s = await dal.insertSession({ token_hash: 'th', account_id: a.id, csrf_token: 'c', source_ip: '127.0.0.1', user_agent: null, expires_at: new Date(Date.now() + 3_600_000) });
      t.is((await dal.findSessionByHash('th'))?.id, s.id);
      await dal.revokeAccountSessions(a.id, null);
      t.truthy((await dal.findSessionByHash('th'))?.revoked_at);

      const tok = await dal.insertToken({ account_id: a.id, name: 'ci', token_hash: 'tk', expires_at: new Date(Date.now() + 86_400_000) });
      t.true(await dal.revokeToken(a.id, tok.id));
      t.false(await dal.revokeToken(a.id, tok.id));

      await dal.replaceRecoveryCodes(a.id, ['r1', 'r2']);
      t.true(await dal.useRecoveryCode(a.id, 'r1'));
      t.false(await dal.useRecoveryCode(a.id, 'r1'));

      const ch = await dal.insertChallenge(a.id, null, new Date(Date.now() + 60_000));
      t.truthy(await dal.findChallenge(ch));
      t.true(await dal.deleteChallenge(ch));
      t.false(await dal.deleteChallenge(ch));

      await dal.putSetting('security_policy', { passwordMinLength: 10 });
      await dal.putSetting('security_policy', { passwordMinLength: 12 });
      t.deepEqual(await dal.getSetting('security_policy'), { passwordMinLength: 12 });
    } finally {
      await d.close();
    }
  });
}
