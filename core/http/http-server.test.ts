import test from 'ava';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createHttpServer } from './http-server';

function app() {
  const a = express();
  a.use(express.json());
  a.get('/echo', (req, res) => {
    res.status(201).set('x-seen', req.get('x-probe') ?? 'none').json({ query: req.query, ip: req.ip, path: req.path, accepts: req.accepts(['json', 'html']) });
  });
  a.post('/echo', (req, res) => {
    res.json({ body: req.body as unknown, type: req.is('application/json') });
  });
  a.get('/moved', (_req, res) => res.redirect(302, '/echo'));
  a.get('/boom', () => {
    throw new Error('boom');
  });
  a.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).type('text/plain').send(`handled: ${err.message}`);
  });
  return a;
}

async function listen(server: Server) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function answers(base: string) {
  const out: unknown[] = [];
  const calls: [string, RequestInit?][] = [
    ['/echo?a=1&b=x', { headers: { 'x-probe': 'p1', accept: 'text/html' } }],
    ['/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: 1, s: '县医院' }) }],
    ['/moved', { redirect: 'manual' }],
    ['/boom'],
    ['/missing'],
  ];
  for (const [path, init] of calls) {
    const r = await fetch(base + path, init);
    out.push({ path, status: r.status, seen: r.headers.get('x-seen'), location: r.headers.get('location'), type: r.headers.get('content-type'), body: await r.text() });
  }
  return out;
}

test('an app served by createHttpServer answers exactly as on a plain node:http server', async (t) => {
  const plain = createServer(app());
  const ours = createHttpServer(app());
  try {
    const expected = await answers(await listen(plain));
    t.deepEqual(await answers(await listen(ours)), expected);
    t.is((expected[0] as { status: number }).status, 201);
  } finally {
    plain.close();
    ours.close();
  }
});

test('requests and responses arrive with the app prototypes already in place (express has nothing to re-parent)', async (t) => {
  const a = app();
  const server = createHttpServer(a);
  const seen: { req: boolean; res: boolean }[] = [];
  // Runs before express sees the request.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    seen.push({ req: Object.getPrototypeOf(req) === a.request, res: Object.getPrototypeOf(res) === a.response });
  });
  try {
    const base = await listen(server);
    for (let i = 0; i < 3; i++) t.is((await fetch(`${base}/echo`)).status, 201);
    t.deepEqual(seen, Array.from({ length: 3 }, () => ({ req: true, res: true })));
  } finally {
    server.close();
  }
});
