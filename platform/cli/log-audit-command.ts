import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { createAuditTrail, loadOrCreateSigningKey } from '../../core/audit';
import { systemActor } from '../../core/authz';
import type { Settings } from '../../core/config';
import { runMigrations } from '../../core/db';
import { builtinRuleTexts, createRulesService } from '../../security/audit/rules/rules-service';
import { parseSigmaYaml } from '../../security/audit';
import { allModules, openConfiguredDatabase } from '../server/context';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
type FileResult = { file: string; ok: boolean; rules: Array<{ id: string; title: string; kind: string }>; error?: string };

const YAML_FILE = /\.ya?ml$/i;

/** The files named on the command line: YAML files as given, directories walked for *.yml / *.yaml (sorted). */
export function collectRuleFiles(paths: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && YAML_FILE.test(e.name)) files.push(p);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) walk(p);
    else files.push(p);
  }
  return { files: [...new Set(files)], missing };
}

/**
 * `yiyun log-audit import-rules <file-or-dir…>`: every file is read and compiled first; when one is not valid
 * Sigma (or would replace a built-in rule), nothing is imported and the exit is 2. Otherwise each file is
 * imported in its own transaction (audited as log_rule.imported) and a running server picks the rules up within
 * seconds. Exit 0 imported, 1 usage, 2 invalid files.
 */
export async function importRulesCommand(settings: Settings, paths: string[], opts: { disabled?: boolean; dryRun?: boolean; json?: boolean }, io: Io): Promise<number> {
  const { files, missing } = collectRuleFiles(paths);
  if (missing.length) {
    io.stderr.write(`yiyun log-audit import-rules: no such file or directory: ${missing.join(', ')}\n`);
    return 1;
  }
  if (files.length === 0) {
    io.stderr.write('yiyun log-audit import-rules: no .yml or .yaml files found\n');
    return 1;
  }
  const results: FileResult[] = files.map((file) => {
    try {
      const rules = parseSigmaYaml(readFileSync(file, 'utf8'));
      if (rules.length === 0) return { file, ok: false, rules: [], error: 'the file holds no rule' };
      return { file, ok: true, rules: rules.map((r) => ({ id: r.id, title: r.title, kind: r.kind })) };
    } catch (err) {
      return { file, ok: false, rules: [], error: (err as Error).message };
    }
  });
  // The same rule id in two files would silently keep only the last one.
  const seen = new Map<string, string>();
  for (const r of results) {
    for (const rule of r.rules) {
      const other = seen.get(rule.id);
      if (other && other !== r.file && r.ok) Object.assign(r, { ok: false, error: `rule id ${rule.id} is also in ${other}` });
      seen.set(rule.id, r.file);
    }
  }

  const database = await openConfiguredDatabase(settings);
  try {
    await runMigrations(database.db, allModules());
    const ids = results.flatMap((r) => r.rules.map((x) => x.id));
    // The shipped rules, stored or not yet (serve installs them at start and would overwrite a rule of the same id).
    const builtin = new Set((await sql<{ id: string }>`select id from logaudit.rules where builtin and id = any(${ids}::text[])`.execute(database.db)).rows.map((r) => r.id));
    for (const text of builtinRuleTexts()) for (const r of parseSigmaYaml(text)) builtin.add(r.id);
    for (const r of results) {
      const clash = r.rules.find((x) => builtin.has(x.id));
      if (r.ok && clash) Object.assign(r, { ok: false, error: `rule ${clash.id} is a built-in rule; import it under another id` });
    }
    const bad = results.filter((r) => !r.ok);
    const imported = bad.length === 0 && !opts.dryRun;
    if (imported) {
      const trail = createAuditTrail({ db: database.db, signer: loadOrCreateSigningKey(settings.YIYUN_DATA_DIR), checkpointEvery: settings.YIYUN_AUDIT_CHECKPOINT_EVERY });
      const rules = createRulesService({ db: database.db, audit: trail, onChange: () => undefined });
      const actor = systemActor('log-rule-import');
      for (const r of results) await rules.importYaml(actor, { yaml: readFileSync(r.file, 'utf8'), enabled: !opts.disabled });
    }
    report(results, { imported, dryRun: !!opts.dryRun, json: !!opts.json }, io);
    return bad.length ? 2 : 0;
  } finally {
    await database.close();
  }
}

function report(results: FileResult[], o: { imported: boolean; dryRun: boolean; json: boolean }, io: Io): void {
  const bad = results.filter((r) => !r.ok);
  if (o.json) {
    io.stdout.write(`${JSON.stringify({ imported: o.imported, files: results })}\n`);
    return;
  }
  for (const r of results) {
    if (r.ok) io.stdout.write(`ok      ${r.file}: ${r.rules.length} rule${r.rules.length === 1 ? '' : 's'} (${r.rules.map((x) => `${x.id} "${x.title}"`).join(', ')})\n`);
    else io.stderr.write(`FAILED  ${r.file}: ${r.error}\n`);
  }
  const n = results.reduce((s, r) => s + r.rules.length, 0);
  if (bad.length) io.stderr.write(`nothing imported: ${bad.length} of ${results.length} file${results.length === 1 ? '' : 's'} ${bad.length === 1 ? 'is' : 'are'} not valid Sigma; fix ${bad.length === 1 ? 'it' : 'them'} and run again\n`);
  else if (o.dryRun) io.stdout.write(`dry run: ${n} rules in ${results.length} files are valid; nothing imported\n`);
  else io.stdout.write(`imported ${n} rules from ${results.length} files\n`);
}
