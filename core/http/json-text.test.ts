import test from 'ava';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { sendJsonText } from './json-text';

test('JSON text goes out as JSON, counted in bytes, multibyte text intact', async (t) => {
  const body = JSON.stringify({ items: [{ name: '影像-"引号"\\\u2028', zone: 'liangcheng-dmz' }], total: 1 });
  const app = express();
  app.get('/ok', (_req, res) => sendJsonText(res, body));
  app.get('/created', (_req, res) => sendJsonText(res, '{"id":"x"}', 201));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  t.teardown(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const res = await fetch(`${base}/ok`);
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/json; charset=utf-8');
  t.is(Number(res.headers.get('content-length')), Buffer.byteLength(body, 'utf8'));
  t.true(Buffer.byteLength(body, 'utf8') > body.length, 'the body has multibyte characters');
  t.deepEqual(await res.json(), JSON.parse(body));
  t.is((await fetch(`${base}/created`)).status, 201);
});
