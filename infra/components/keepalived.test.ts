import { spawnSync } from 'node:child_process';
import test from 'ava';
import { parse } from 'yaml';
import { SCRIPT_USER, renderHealthCheck, renderKeepalived, renderMemberCloudInit } from './keepalived';

interface CloudConfig {
  packages: string[];
  users: (string | { name: string; system?: boolean; shell?: string })[];
  write_files: { path: string; permissions: string; owner: string; content: string }[];
  runcmd: string[][];
}

const member = (role: string) =>
  renderKeepalived({ pair: `dmz-${role}`, role, vrid: 51, vip: '10.20.136.4', prefixLength: 24, self: '10.20.136.5', peer: '10.20.136.6', priority: 150 });

/** Paths of every vrrp_script named in a track_script block, as keepalived resolves them. */
function trackedScripts(conf: string): string[] {
  const defs = new Map([...conf.matchAll(/vrrp_script (\S+) \{\s*script "([^"]+)"/g)].map((m) => [m[1]!, m[2]!]));
  const tracked = [...conf.matchAll(/track_script \{([^}]*)\}/g)].flatMap((m) => m[1]!.trim().split(/\s+/));
  return tracked.map((name) => defs.get(name) ?? `undefined script ${name}`);
}

for (const role of ['waf', 'ips', 'postgres']) {
  test(`cloud-init of a ${role} member: script user, config, every tracked script written 0755 by root, keepalived enabled`, (t) => {
    const conf = member(role);
    const text = renderMemberCloudInit(role, conf);
    t.true(text.startsWith('#cloud-config\n'));
    const doc = parse(text) as CloudConfig;
    t.true(doc.packages.includes('keepalived'));
    const user = doc.users.find((u) => typeof u === 'object' && u.name === SCRIPT_USER);
    t.like(user, { system: true, shell: '/sbin/nologin' });
    t.true(doc.users.includes('default'), 'the image’s default user is kept');
    t.regex(conf, new RegExp(`script_user ${SCRIPT_USER}\\n`));
    const files = new Map(doc.write_files.map((f) => [f.path, f]));
    t.is(files.get('/etc/keepalived/keepalived.conf')?.content, conf, 'the config survives YAML quoting byte for byte');
    const tracked = trackedScripts(conf);
    t.true(tracked.length > 0);
    for (const path of tracked) {
      const f = files.get(path);
      t.truthy(f, `${path} is written`);
      t.is(f!.permissions, '0755');
      t.is(f!.owner, 'root:root');
      t.true(f!.content.startsWith('#!/bin/bash\n'));
      t.is(spawnSync('bash', ['-n'], { input: f!.content }).status, 0, `${path} is valid bash`);
    }
    t.deepEqual(doc.runcmd, [['systemctl', 'enable', '--now', 'keepalived']]);
  });
}

test('health checks: the WAF needs an HTTPS answer below 500, PostgreSQL pg_isready, the IPS its engine', (t) => {
  t.regex(renderHealthCheck('waf'), /curl .*https:\/\/127\.0\.0\.1:443\//);
  t.regex(renderHealthCheck('waf'), /-lt 500/);
  t.regex(renderHealthCheck('postgres'), /pg_isready .*--host=127\.0\.0\.1 --port=5432/);
  t.regex(renderHealthCheck('ips'), /systemctl is-active --quiet suricata/);
  t.throws(() => renderHealthCheck('nginx'), { message: /no keepalived health check for role "nginx"/ });
});

test('the WAF check passes on 200 and 403, fails on 502 and when nothing answers', (t) => {
  // Run the real script with curl replaced by a stub printing a status code (or failing like curl does).
  const script = renderHealthCheck('waf');
  const run = (stub: string) => spawnSync('bash', ['-c', script.replace('set -u', `set -u\ncurl() { ${stub}; }`)]).status;
  t.is(run('printf 200'), 0);
  t.is(run('printf 403'), 0);
  t.not(run('printf 502'), 0);
  t.not(run('printf 000; return 7'), 0);
});
