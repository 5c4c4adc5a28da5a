import test from 'ava';
import { createListMemory, LIST_MEMORY_TTL_MS } from './list-memory';
import { utcTextToJson } from './list-json';

const scope = { kind: 'vm', tenantId: 't1' };

test('a page start is found at its offset or the nearest one before it, per sort order', (t) => {
  const m = createListMemory(() => 0);
  const key = m.keyOf(scope)!;
  m.rememberStart(key, 'createdAt|desc', 50, 'v50', 'id50', m.epoch);
  m.rememberStart(key, 'createdAt|desc', 100, 'v100', 'id100', m.epoch);
  t.deepEqual(m.seek(key, 'createdAt|desc', 100), { at: 100, value: 'v100', id: 'id100' });
  t.deepEqual(m.seek(key, 'createdAt|desc', 130), { at: 100, value: 'v100', id: 'id100' });
  t.deepEqual(m.seek(key, 'createdAt|desc', 99), { at: 50, value: 'v50', id: 'id50' });
  t.is(m.seek(key, 'createdAt|desc', 20), undefined);
  t.is(m.seek(key, 'createdAt|desc', 0), undefined, 'the first page needs no start');
  t.is(m.seek(key, 'name|asc', 100), undefined, 'another order has its own starts');
});

test('what was read while a write was in flight is not remembered; forget drops everything', (t) => {
  const m = createListMemory(() => 0);
  const key = m.keyOf(scope)!;
  const epoch = m.epoch;
  m.forget(); // a write committed between the read and the remembering
  m.rememberTotal(key, 7, epoch);
  m.rememberStart(key, 'createdAt|desc', 50, 'v', 'id', epoch);
  t.is(m.total(key), undefined);
  t.is(m.seek(key, 'createdAt|desc', 50), undefined);
  m.rememberTotal(key, 7, m.epoch);
  t.is(m.total(key), 7);
  m.forget();
  t.is(m.total(key), undefined);
});

test('memory lasts at most the TTL from when it began', (t) => {
  let now = 1_000;
  const m = createListMemory(() => now);
  const key = m.keyOf(scope)!;
  m.rememberTotal(key, 3, m.epoch);
  now += LIST_MEMORY_TTL_MS - 1;
  m.rememberStart(key, 'createdAt|desc', 50, 'v', 'id', m.epoch);
  t.is(m.total(key), 3);
  now += 1;
  t.is(m.total(key), undefined);
  t.truthy(m.seek(key, 'createdAt|desc', 50), 'page starts count their own time');
  m.rememberStart(key, 'createdAt|desc', 100, 'w', 'id2', m.epoch);
  now += LIST_MEMORY_TTL_MS - 1;
  t.is(m.seek(key, 'createdAt|desc', 100), undefined, 'a start remembered late goes with the first start of its list');
});

test('lists by effective status and image lists are never remembered', (t) => {
  const m = createListMemory(() => 0);
  t.is(m.keyOf({ ...scope, status: 'ACTIVE' }), null);
  t.is(m.keyOf({ kind: 'image', tenantId: 't1' }), null);
  t.not(m.keyOf(scope), m.keyOf({ ...scope, tenantId: 't2' }));
});

test('UTC text from PostgreSQL is written as Date#toJSON writes it', (t) => {
  const cases: [string, string][] = [
    ['2026-11-26 04:15:50.123456', '2026-11-26T04:15:50.123Z'],
    ['2026-11-26 04:15:50.1', '2026-11-26T04:15:50.100Z'],
    ['2026-11-26 04:15:50', '2026-11-26T04:15:50.000Z'],
    ['2026-01-02 00:00:00.000999', '2026-01-02T00:00:00.000Z'],
  ];
  for (const [pg, js] of cases) t.is(utcTextToJson(pg), js, pg);
});
