import test from 'ava';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createScratchPostgresDatabase } from '../../core/db/testing';
import { parseSigmaYaml } from '../../security/audit';
import { builtinRuleTexts } from '../../security/audit/rules/rules-service';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/yiyun.js');
const SIGMA = path.join(process.env.YIYUN_CORPORA ?? path.resolve(__dirname, '../../../shared/corpora'), 'sigma/rules/linux/builtin/sshd');

const GOOD = `title: EMR record opened by a service account
id: 6f1d2c1e-0b7e-4a51-9e43-1c4a8f0d1001
status: experimental
logsource: {product: linux, service: emr}
detection:
  sel:
    user.name|startswith: svc_
    event.action: record_open
  condition: sel
level: medium
tags: [attack.t1078]
`;
const CORRELATION = `title: base
name: emr_open
id: 6f1d2c1e-0b7e-4a51-9e43-1c4a8f0d1002
logsource: {product: linux}
detection: {sel: {event.action: record_open}, condition: sel}
---
title: Many EMR records opened by one user
id: 6f1d2c1e-0b7e-4a51-9e43-1c4a8f0d1003
correlation:
  type: event_count
  rules: [emr_open]
  group-by: [user.name]
  timespan: 5m
  condition: {gte: 50}
level: high
`;

test.serial('yiyun log-audit import-rules: imports files and directories, reports per file, refuses a bad file with exit 2 and imports nothing', async (t) => {
  const scratch = await createScratchPostgresDatabase();
  const url = scratch.url;
  const work = mkdtempSync(path.join(tmpdir(), 'yiyun-lar-'));
  const env = { ...process.env, DATABASE_URL: url, YIYUN_DATA_DIR: path.join(work, 'data'), YIYUN_LOG_LEVEL: 'silent', YIYUN_ADMIN_PASSWORD: 'Boot#Strap2026x' };
  const db = new pg.Client({ connectionString: url });
  try {
    const dir = path.join(work, 'rules');
    mkdirSync(path.join(dir, 'nested'), { recursive: true });
    writeFileSync(path.join(dir, 'emr.yml'), GOOD);
    writeFileSync(path.join(dir, 'nested', 'emr-burst.yaml'), CORRELATION);
    writeFileSync(path.join(dir, 'README.txt'), 'not a rule');
    cpSync(path.join(SIGMA, 'lnx_sshd_susp_ssh.yml'), path.join(work, 'sshd.yml'));

    // Dry run: checked, nothing stored.
    const dry = await run('node', [BIN, 'log-audit', 'import-rules', '--dry-run', dir], { env });
    t.regex(dry.stdout, /dry run: 3 rules in 2 files are valid/);

    const ok = await run('node', [BIN, 'log-audit', 'import-rules', dir, path.join(work, 'sshd.yml')], { env });
    t.regex(ok.stdout, /ok {6}.*emr\.yml: 1 rule \(6f1d2c1e-0b7e-4a51-9e43-1c4a8f0d1001 "EMR record opened by a service account"\)/);
    t.regex(ok.stdout, /ok {6}.*emr-burst\.yaml: 2 rules/);
    t.regex(ok.stdout, /imported 4 rules from 3 files/);
    await db.connect();
    const rows = (await db.query(`select id, kind, enabled, builtin from logaudit.rules where not builtin order by id`)).rows as Array<{ id: string; kind: string; enabled: boolean }>;
    t.is(rows.length, 4);
    t.deepEqual(rows.filter((r) => r.id.startsWith('6f1d2c1e')).map((r) => r.kind), ['detection', 'detection', 'correlation']);
    t.true(rows.every((r) => r.enabled));
    const audited = (await db.query(`select count(*)::int as n from audit.records where action = 'log_rule.imported'`)).rows[0].n as number;
    t.is(audited, 4, 'each imported rule is in the audit trail');

    // A bad file among good ones: per-file report, a clear message, exit 2, nothing imported.
    writeFileSync(path.join(work, 'bad.yml'), 'title: broken\nid: bad-rule-1\nlogsource: {product: linux}\ndetection:\n  sel: {user.name|nosuchmodifier: x}\n  condition: sel\n');
    writeFileSync(path.join(work, 'new.yml'), GOOD.replace('1001', '1009').replace('service account', 'robot'));
    const bad = (await t.throwsAsync(() => run('node', [BIN, 'log-audit', 'import-rules', path.join(work, 'new.yml'), path.join(work, 'bad.yml')], { env }))) as unknown as { code: number; stdout: string; stderr: string };
    t.is(bad.code, 2);
    t.regex(bad.stdout, /ok {6}.*new\.yml/);
    t.regex(bad.stderr, /FAILED {2}.*bad\.yml: rule bad-rule-1: the modifier \|nosuchmodifier is not supported/);
    t.regex(bad.stderr, /nothing imported: 1 of 2 files is not valid Sigma/);
    t.is((await db.query(`select count(*)::int as n from logaudit.rules where id = '6f1d2c1e-0b7e-4a51-9e43-1c4a8f0d1009'`)).rows[0].n, 0);

    // Broken YAML, a built-in rule's id, a missing path.
    writeFileSync(path.join(work, 'syntax.yml'), 'title: x\n  detection: [unclosed\n');
    const syntax = (await t.throwsAsync(() => run('node', [BIN, 'log-audit', 'import-rules', path.join(work, 'syntax.yml')], { env }))) as unknown as { code: number; stderr: string };
    t.is(syntax.code, 2);
    t.regex(syntax.stderr, /syntax\.yml: invalid YAML/);
    const builtinId = parseSigmaYaml(builtinRuleTexts()[0]!)[0]!.id;
    writeFileSync(path.join(work, 'clash.yml'), GOOD.replace('6f1d2c1e-0b7e-4a51-9e43-1c4a8f0d1001', builtinId));
    const clash = (await t.throwsAsync(() => run('node', [BIN, 'log-audit', 'import-rules', path.join(work, 'clash.yml')], { env }))) as unknown as { code: number; stderr: string };
    t.is(clash.code, 2);
    t.regex(clash.stderr, /is a built-in rule/);
    const missing = (await t.throwsAsync(() => run('node', [BIN, 'log-audit', 'import-rules', path.join(work, 'nope')], { env }))) as unknown as { code: number; stderr: string };
    t.is(missing.code, 1);
    t.regex(missing.stderr, /no such file or directory/);
  } finally {
    await db.end().catch(() => undefined);
    await scratch.drop();
    rmSync(work, { recursive: true, force: true });
  }
});
