import test from 'ava';
import { createAuthCache } from './auth-cache';

test('a row is read once within the TTL, again after it, and at once after an invalidation', async (t) => {
  let clock = 1_000;
  const cache = createAuthCache({ ttlMs: 2_000, now: () => clock });
  let reads = 0;
  const load = async () => ({ n: ++reads });
  t.deepEqual(await cache.get('session:a', load), { n: 1 });
  clock += 1_999;
  t.deepEqual(await cache.get('session:a', load), { n: 1 });
  clock += 1;
  t.deepEqual(await cache.get('session:a', load), { n: 2 }, 'expired at the TTL');
  cache.invalidate();
  t.deepEqual(await cache.get('session:a', load), { n: 3 }, 'an invalidation forgets');
});

test('nothing unknown is remembered, and a read racing an invalidation is not kept', async (t) => {
  const cache = createAuthCache();
  let reads = 0;
  t.is(await cache.get('session:unknown', async () => (reads++, undefined)), undefined);
  t.is(await cache.get('session:unknown', async () => (reads++, undefined)), undefined);
  t.is(reads, 2, 'an unknown token is looked up every time');

  // The read sees the row as it was before a write; the write commits (invalidate) before the read returns.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const stale = cache.get('account:x', async () => {
    await gate;
    return { roles: ['tenant-admin'] };
  });
  cache.invalidate();
  release();
  t.deepEqual(await stale, { roles: ['tenant-admin'] });
  t.deepEqual(await cache.get('account:x', async () => ({ roles: ['tenant-member'] })), { roles: ['tenant-member'] }, 'the racing read was not remembered');
});

test('the cache holds at most maxEntries rows, dropping the oldest', async (t) => {
  const cache = createAuthCache({ maxEntries: 3 });
  const reads: string[] = [];
  const get = (k: string) => cache.get(k, async () => (reads.push(k), k));
  for (const k of ['a', 'b', 'c', 'd']) await get(k);
  await get('d');
  await get('b');
  await get('a');
  t.deepEqual(reads, ['a', 'b', 'c', 'd', 'a']);
});
