// The image cannot be built here (no Docker engine), so its invariants are read from the Dockerfile itself:
// the build order that lets `npm ci` run before the sources exist, the non-root user the pods also run as,
// the writable data dir the pods mount, a pinned base and a health check.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { DATA_DIR, rolePodSpec } from './workloads';

const root = path.resolve(__dirname, '../..');
type Instr = { op: string; args: string };

/** Instructions per stage: continuation lines joined, comments dropped. */
function stages(text: string): Instr[][] {
  const out: Instr[][] = [];
  const joined = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of joined) {
    const [, op, args] = line.match(/^(\S+)\s+(.*)$/)!;
    if (op!.toUpperCase() === 'FROM') out.push([]);
    out.at(-1)!.push({ op: op!.toUpperCase(), args: args! });
  }
  return out;
}

const dockerfile = stages(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
const [build, runtime] = [dockerfile[0]!, dockerfile.at(-1)!];
const idx = (s: Instr[], pred: (i: Instr) => boolean) => s.findIndex(pred);

test('the parser sees two stages', (t) => {
  t.is(dockerfile.length, 2);
});

test('build: npm ci runs without scripts before the sources are copied, the console is built after', (t) => {
  const ci = idx(build, (i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args));
  const copyAll = idx(build, (i) => i.op === 'COPY' && /^\.\s+\.$/.test(i.args.trim()));
  const buildRun = idx(build, (i) => i.op === 'RUN' && /\bnpm run build\b/.test(i.args));
  t.true(ci >= 0 && copyAll > ci && buildRun > copyAll);
  t.regex(build[ci]!.args, /npm ci [^&]*--ignore-scripts/, 'the root prepare script (vite build) would run without its config');
  const copiedBeforeCi = build.slice(0, ci).filter((i) => i.op === 'COPY').map((i) => i.args);
  t.deepEqual(copiedBeforeCi, ['package.json package-lock.json ./']);
});

test('runtime: pinned base, non-root user matching the pods, a writable data dir, a health check', (t) => {
  for (const s of dockerfile) t.regex(s[0]!.args, /^node:\d+\.\d+\.\d+-\S+(@sha256:[0-9a-f]{64})?( AS \w+)?$/, 'base pinned to an exact release');
  const user = runtime.filter((i) => i.op === 'USER').at(-1)!.args;
  const pod = rolePodSpec({ zone: 'dmz', stack: 'liangcheng-dmz', role: 'kms', image: 'i', replicas: 1, databaseSecret: 's', site: { syslogTls: false }, storageClass: 'c' });
  const sc = pod.securityContext as { runAsUser: number; runAsGroup: number };
  t.is(user, `${sc.runAsUser}:${sc.runAsGroup}`, 'the uid/gid the pods set in runAsUser/runAsGroup');
  t.not(sc.runAsUser, 0);
  const env = runtime.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
  t.true(env.includes(`YIYUN_DATA_DIR=${DATA_DIR}`));
  const makeDir = runtime.find((i) => i.op === 'RUN' && i.args.includes(DATA_DIR))!.args;
  t.regex(makeDir, new RegExp(`install -d -o 10001 -g 10001 -m 0700 ${DATA_DIR}`));
  t.true(idx(runtime, (i) => i.op === 'RUN' && i.args.includes(DATA_DIR)) < idx(runtime, (i) => i.op === 'USER'), 'made while still root');
  t.true(runtime.some((i) => i.op === 'VOLUME' && i.args.includes(DATA_DIR)));
  t.regex(runtime.find((i) => i.op === 'HEALTHCHECK')?.args ?? '', /\/healthz/);
});

test('.dockerignore keeps what the server reads at run time (the stack files) and drops local state', (t) => {
  const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  for (const keep of ['Pulumi.yaml', 'Pulumi.*.yaml', 'Pulumi.liangcheng-dmz.yaml']) t.false(ignored.includes(keep), keep);
  for (const drop of ['node_modules', '.yiyun', '.git']) t.true(ignored.includes(drop), drop);
});
