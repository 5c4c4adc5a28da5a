import test from 'ava';
import { sql } from 'kysely';
import { generateSm2KeyPair } from '../crypto';
import { createTestDatabase, testDatabaseKinds } from '../db/testing';
import { runMigrations, type Database } from '../db';
import { systemActor } from '../authz';
import { createAuditTrail } from './audit-trail';
import { signerFromKeyPair } from './signing-key';
import { auditModule } from './index';

const pair = generateSm2KeyPair();
const signer = signerFromKeyPair('test-key', pair.privateKey, pair.publicKey);
const actor = { ...systemActor('test'), kind: 'account' as const, accountId: '00000000-0000-4000-8000-000000000001', loginId: 'alice', roles: ['sysadmin'], sourceIp: '10.1.2.3' };

// Tampering needs the append-only triggers out of the way, as a database owner could do.
async function tamper(db: any, statement: string) {
  await sql.raw(`alter table audit.records disable trigger user; ${statement}; alter table audit.records enable trigger user;`).execute(db);
}

async function seeded(kind: 'pglite' | 'postgres', n: number, every = 4, reuse?: Database) {
  const d = reuse ?? (await createTestDatabase(kind, [auditModule()]));
  if (reuse) {
    // A fresh trail in the same database: far cheaper than a new embedded instance per case.
    await sql.raw(`drop schema audit cascade; delete from yiyun_meta.migrations where module = 'audit'`).execute(d.db);
    await runMigrations(d.db, [auditModule()]);
  }
  const trail = createAuditTrail({ db: d.db, signer, checkpointEvery: every });
  for (let i = 1; i <= n; i++) {
    await trail.record({ actor, action: 'thing.created', target: { type: 'thing', id: `t${i}` }, after: { name: `thing ${i}`, nested: { b: 1, a: [1, 2] } } });
  }
  return { d, trail };
}

for (const kind of testDatabaseKinds()) {
  test.serial(`${kind}: records chain, checkpoint every N, and verify`, async (t) => {
    const { d, trail } = await seeded(kind, 10);
    try {
      const v = await trail.verify();
      t.true(v.ok);
      t.is(v.records, 10);
      t.is(v.checkpoints, 2); // after 4 and 8
      await trail.checkpoint('shutdown');
      t.is((await trail.verify()).checkpoints, 3);
      const page = await trail.search({ offset: 0, limit: 5, actor: 'ali' });
      t.is(page.total, 10);
      t.is(page.items[0]!.seq, 10);
      t.is(page.items[0]!.sourceIp, '10.1.2.3');
    } finally {
      await d.close();
    }
  });

  test.serial(`${kind}: a record written in a rolled-back transaction leaves no trace`, async (t) => {
    const { d, trail } = await seeded(kind, 2);
    try {
      await t.throwsAsync(() =>
        d.db.transaction().execute(async (tx) => {
          await trail.record({ actor, action: 'thing.deleted', target: { type: 'thing', id: 't1' } }, tx);
          throw new Error('the change failed');
        }),
      );
      const v = await trail.verify();
      t.is(v.records, 2);
      t.true(v.ok);
    } finally {
      await d.close();
    }
  });

  test.serial(`${kind}: the application cannot update or delete history`, async (t) => {
    const { d } = await seeded(kind, 2);
    try {
      await t.throwsAsync(() => sql`update audit.records set action = 'x' where seq = 1`.execute(d.db), { message: /append-only/ });
      await t.throwsAsync(() => sql`delete from audit.records where seq = 1`.execute(d.db), { message: /append-only/ });
    } finally {
      await d.close();
    }
  });

  test.serial(`${kind}: altered, deleted and reordered rows are caught, naming the first bad record`, async (t) => {
    const cases: Array<[string, string, number, RegExp]> = [
      ['altered', `update audit.records set actor_login = 'mallory' where seq = 6`, 6, /altered/],
      ['altered json', `update audit.records set after_summary = '{"name": "thing 3", "nested": {"a": [1, 2], "b": 2}}' where seq = 3`, 3, /altered/],
      ['deleted', `delete from audit.records where seq = 5`, 5, /missing/],
      ['reordered', `update audit.records set seq = -3 where seq = 3; update audit.records set seq = 3 where seq = 4; update audit.records set seq = 4 where seq = -3`, 3, /link|altered/],
      // Signed up to 10; deleting 9–10 leaves the chain consistent but the last checkpoint orphaned.
      ['tail deleted', `delete from audit.records where seq >= 9`, 10, /gone|deleted/],
    ];
    const shared = await createTestDatabase(kind, [auditModule()]);
    try {
      for (const [name, statement, bad, reason] of cases) {
        const { trail } = await seeded(kind, 10, 4, shared);
        await trail.checkpoint('shutdown');
        await tamper(shared.db, statement);
        const v = await trail.verify();
        t.false(v.ok, name);
        t.is(v.firstBad?.seq, bad, name);
        t.regex(v.firstBad!.reason, reason, name);
      }
    } finally {
      await shared.close();
    }
  });

  test.serial(`${kind}: a checkpoint signed by another key or forged is refused`, async (t) => {
    const { d, trail } = await seeded(kind, 4);
    try {
      const other = generateSm2KeyPair();
      t.false((await trail.verify({ trustedPublicKeyHex: other.publicKey })).ok);
      await sql.raw(`alter table audit.checkpoints disable trigger user; update audit.checkpoints set hash = repeat('a', 64) where seq = 4; alter table audit.checkpoints enable trigger user;`).execute(d.db);
      const v = await trail.verify();
      t.false(v.ok);
      t.regex(v.firstBad!.reason, /signature/);
    } finally {
      await d.close();
    }
  });
}

test.serial('key continuity: checkpoints of a replaced key verify as a listed legacy key; envelopes are checked through the injected verifier', async (t) => {
  const { d, trail } = await seeded(testDatabaseKinds().includes('postgres') ? 'postgres' : 'pglite', 4, 4);
  try {
    const next = generateSm2KeyPair();
    // The certified signer: same raw signature, plus an envelope its verifier accepts only for the recorded key.
    const certified = {
      ...signerFromKeyPair('next-key', next.privateKey, next.publicKey),
      envelope: (data: Buffer, label: string) => ({ format: 'test-envelope', label, data: data.toString('base64'), key: next.publicKey }),
      verifyEnvelope: async (data: Buffer, e: any) =>
        e.data === data.toString('base64') ? { valid: true, reason: null, signer: 'CN=audit-signer', publicKey: e.key as string } : { valid: false, reason: 'digest differs', signer: null, publicKey: null },
    };
    const later = createAuditTrail({ db: d.db, signer: certified, checkpointEvery: 4 });
    for (let i = 0; i < 4; i++) await later.record({ actor, action: 'thing.created', target: { type: 'thing' } });
    const cps = (await sql<{ envelope: any }>`select envelope from audit.checkpoints order by seq`.execute(d.db)).rows;
    t.is(cps[0]!.envelope, null);
    t.like(cps[1]!.envelope, { format: 'test-envelope', label: 'audit-checkpoint:8' });
    // The old checkpoint is signed by a key that is neither current nor listed…
    const v1 = await later.verify();
    t.false(v1.ok);
    t.regex(v1.firstBad!.reason, /unknown key \(test-key\)/);
    // …and verifies once the old key is recorded as a trusted legacy key; the new one through its envelope.
    t.like(await later.verify({ legacyPublicKeys: [pair.publicKey] }), { ok: true, checkpoints: 2 });
    // A checkpoint whose envelope does not verify is named.
    await sql.raw(`alter table audit.checkpoints disable trigger user; update audit.checkpoints set envelope = jsonb_set(envelope, '{data}', '"AAAA"') where seq = 8; alter table audit.checkpoints enable trigger user;`).execute(d.db);
    const v2 = await later.verify({ legacyPublicKeys: [pair.publicKey] });
    t.false(v2.ok);
    t.regex(v2.firstBad!.reason, /checkpoint at record 8: its signature envelope does not verify \(digest differs\)/);
  } finally {
    await d.close();
  }
});
