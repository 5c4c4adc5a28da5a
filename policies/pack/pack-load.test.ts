// Loads the pack the way `pulumi up --policy-pack policies/pack` does: Pulumi's own policy runner
// (@pulumi/pulumi/cmd/run-policy-pack) in a child process with the pack directory as program and cwd,
// then talks to it over the analyzer gRPC protocol like the engine. The child is ours and is killed at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import test from 'ava';
import * as grpc from '@grpc/grpc-js';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';
import { AnalyzerClient } from '@pulumi/pulumi/proto/analyzer_grpc_pb';
import { AnalyzeRequest, AnalyzerResourceOptions, type AnalyzeResponse, type AnalyzerInfo } from '@pulumi/pulumi/proto/analyzer_pb';
import { ResourceTypes as T, rules } from '../index';

const packDir = __dirname;
const root = path.resolve(packDir, '..', '..');
const runner = path.join(root, 'node_modules', '@pulumi', 'pulumi', 'cmd', 'run-policy-pack');

let child: ChildProcess | undefined;
let client: AnalyzerClient;
let stderr = '';

test.before(async () => {
  // The runner's first operand is the engine address; the pack never dials it unless it logs.
  child = spawn(process.execPath, [runner, '127.0.0.1:1', packDir], { cwd: packDir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the pack printed no port in 60 s; stderr: ${stderr}`)), 60_000);
    child!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/^(\d+)\s*$/m);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child!.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the pack exited with ${code}; stderr: ${stderr}`));
    });
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

test.after.always(() => {
  client?.close();
  if (child && child.exitCode === null) child.kill('SIGTERM');
});

test('the pack starts from its own directory with its package.json version and serves every rule', async (t) => {
  const info = await new Promise<AnalyzerInfo>((resolve, reject) => client.getAnalyzerInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res))));
  t.is(info.getName(), 'yiyun-dengbao-l3');
  t.is(info.getVersion(), '0.1.0');
  const served = info.getPoliciesList().map((p) => p.getName()).sort();
  const expected = rules.flatMap((r) => [...(r.check ? [r.id] : []), ...(r.checkStack ? [`${r.id}-stack`] : [])]).sort();
  t.deepEqual(served, expected);
});

test('the served pack judges a resource: SSH open to the world is a mandatory violation, from the services tier it passes', async (t) => {
  const analyze = (props: Record<string, unknown>) => {
    const req = new AnalyzeRequest();
    req.setType(T.secGroupRule);
    req.setName('ssh');
    req.setUrn(`urn:pulumi:liangcheng-dmz::yiyun::${T.secGroupRule}::ssh`);
    req.setProperties(Struct.fromJavaScript(props as never));
    req.setOptions(new AnalyzerResourceOptions());
    return new Promise<AnalyzeResponse>((resolve, reject) => client.analyze(req, (err, res) => (err ? reject(err) : resolve(res))));
  };
  const rule = { direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portRangeMin: 22, portRangeMax: 22 };
  const open = (await analyze({ ...rule, remoteIpPrefix: '0.0.0.0/0' })).getDiagnosticsList();
  t.deepEqual(open.map((d) => d.getPolicyname()), ['admin-port-not-public']);
  t.is(open[0]!.getPolicypackversion(), '0.1.0');
  t.deepEqual((await analyze({ ...rule, remoteIpPrefix: '10.20.16.0/20' })).getDiagnosticsList(), []);
});
