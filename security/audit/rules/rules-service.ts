import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { stringify as toYaml } from 'yaml';
import { parseAllDocuments } from 'yaml';
import type { AuditTrail } from '../../../core/audit';
import type { Actor } from '../../../core/authz';
import { ConflictError, InputError, NotFoundError } from '../../../core/errors';
import { compileRule, parseSigmaYaml, type SigmaRule } from '../sigma/sigma-fns';

type RuleRow = { id: string; title: string; kind: 'detection' | 'correlation'; level: string; tags: string[]; yaml: string; enabled: boolean; builtin: boolean; created_at: Date; updated_at: Date };

const view = (r: RuleRow) => ({ id: r.id, title: r.title, kind: r.kind, level: r.level, tags: r.tags, yaml: r.yaml, enabled: r.enabled, builtin: r.builtin, createdAt: r.created_at, updatedAt: r.updated_at });
export type RuleView = ReturnType<typeof view>;

/** The rules shipped with yiyun (security/audit/sigma/rules/*.yml), one YAML text per rule. */
export function builtinRuleTexts(dir = path.join(__dirname, '..', 'sigma', 'rules')): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yml')).sort()) {
    for (const doc of parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')) as unknown as Array<{ toJS(): unknown }>) {
      const js = doc.toJS();
      if (js) out.push(toYaml(js));
    }
  }
  return out;
}

/** Sigma rules: shipped and imported, enabled or not; every change reloads the engine and is audited. */
export function createRulesService(deps: { db: Kysely<any>; audit: Pick<AuditTrail, 'record'>; onChange(rules: SigmaRule[], sources: string[]): void }) {
  const { db, audit } = deps;

  let version = '';
  /** A fingerprint of the stored rules, so a process notices rules imported elsewhere (CLI, another replica). */
  async function storedVersion(): Promise<string> {
    const r = await sql<{ v: string }>`select count(*)::text || ':' || coalesce(max(updated_at)::text, '') || ':' || count(*) filter (where enabled)::text as v from logaudit.rules`.execute(db);
    return r.rows[0]?.v ?? '';
  }

  async function reload(): Promise<SigmaRule[]> {
    version = await storedVersion();
    const r = await sql<RuleRow>`select * from logaudit.rules where enabled order by id`.execute(db);
    const compiled: SigmaRule[] = [];
    // The YAML of what compiled, in the same order: compiled rules hold functions, so a parse worker recompiles these.
    const sources: string[] = [];
    for (const row of r.rows) {
      try {
        compiled.push(...parseSigmaYaml(row.yaml));
        sources.push(row.yaml);
      } catch {
        // A rule that no longer compiles (after an engine change) is skipped rather than stopping detection.
      }
    }
    deps.onChange(compiled, sources);
    return compiled;
  }

  async function upsert(tx: Kysely<any>, rule: SigmaRule, yaml: string, enabled: boolean, builtin: boolean): Promise<RuleRow> {
    const r = await sql<RuleRow>`insert into logaudit.rules (id, title, kind, level, tags, yaml, enabled, builtin)
      values (${rule.id}, ${rule.title}, ${rule.kind}, ${rule.level}, ${rule.tags}::text[], ${yaml}, ${enabled}, ${builtin})
      on conflict (id) do update set title = excluded.title, kind = excluded.kind, level = excluded.level, tags = excluded.tags, yaml = excluded.yaml,
        builtin = excluded.builtin, updated_at = now()
      returning *`.execute(tx);
    return r.rows[0]!;
  }

  return {
    reload,

    /** Reloads the engine when the stored rules changed since the last look; true when it did. */
    async reloadIfChanged(): Promise<boolean> {
      if ((await storedVersion()) === version) return false;
      await reload();
      return true;
    },

    /** Installs or refreshes the shipped rules (keeping an operator's enabled/disabled choice), then loads the engine. */
    async installBuiltins(): Promise<number> {
      const texts = builtinRuleTexts();
      await db.transaction().execute(async (tx) => {
        for (const t of texts) {
          const [rule] = parseSigmaYaml(t);
          const existing = await sql<{ enabled: boolean }>`select enabled from logaudit.rules where id = ${rule!.id}`.execute(tx);
          await upsert(tx, rule!, t, existing.rows[0]?.enabled ?? true, true);
        }
      });
      await reload();
      return texts.length;
    },

    async list(_actor: Actor, q: { offset: number; limit: number; kind?: string }) {
      const where = sql`where (${q.kind ?? null}::text is null or kind = ${q.kind ?? null})`;
      const [rows, n] = await Promise.all([
        sql<RuleRow>`select * from logaudit.rules ${where} order by builtin desc, title limit ${q.limit} offset ${q.offset}`.execute(db),
        sql<{ n: number }>`select count(*)::int as n from logaudit.rules ${where}`.execute(db),
      ]);
      return { items: rows.rows.map(view), total: Number(n.rows[0]?.n ?? 0) };
    },

    async get(_actor: Actor, id: string): Promise<RuleView> {
      const r = await sql<RuleRow>`select * from logaudit.rules where id = ${id}`.execute(db);
      if (!r.rows[0]) throw new NotFoundError('no such rule', { code: 'log_rule.not_found' });
      return view(r.rows[0]);
    },

    /** Imports Sigma YAML (one or many `---` documents); every document must compile or nothing is imported. */
    async importYaml(actor: Actor, input: { yaml: string; enabled: boolean }): Promise<{ items: RuleView[]; total: number }> {
      const parsed = parseAllDocuments(input.yaml) as unknown as Array<{ errors: Array<{ message: string }>; toJS(): unknown }>;
      const broken = parsed.find((d) => d.errors.length > 0);
      if (broken) throw new InputError(`invalid YAML: ${broken.errors[0]!.message}`, { code: 'sigma.invalid_yaml' });
      const docs = parsed.map((d) => d.toJS()).filter(Boolean) as Array<Record<string, unknown>>;
      if (docs.length === 0) throw new InputError('the YAML holds no rule', { code: 'sigma.empty' });
      const compiled = docs.map((d) => ({ rule: compileRule(d), yaml: toYaml(d) }));
      const rows = await db.transaction().execute(async (tx) => {
        const out: RuleRow[] = [];
        for (const { rule, yaml } of compiled) {
          const existing = await sql<{ builtin: boolean }>`select builtin from logaudit.rules where id = ${rule.id}`.execute(tx);
          if (existing.rows[0]?.builtin) throw new ConflictError(`rule ${rule.id} is a built-in rule; import it under another id`, { code: 'log_rule.builtin' });
          const row = await upsert(tx, rule, yaml, input.enabled, false);
          out.push(row);
          await audit.record({ actor, action: 'log_rule.imported', target: { type: 'log_rule', id: rule.id }, after: { title: rule.title, kind: rule.kind, level: rule.level, enabled: input.enabled } }, tx);
        }
        return out;
      });
      await reload();
      return { items: rows.map(view), total: rows.length };
    },

    async setEnabled(actor: Actor, id: string, enabled: boolean): Promise<RuleView> {
      const before = await this.get(actor, id);
      const row = await db.transaction().execute(async (tx) => {
        const r = await sql<RuleRow>`update logaudit.rules set enabled = ${enabled}, updated_at = now() where id = ${id} returning *`.execute(tx);
        await audit.record({ actor, action: enabled ? 'log_rule.enabled' : 'log_rule.disabled', target: { type: 'log_rule', id }, before: { enabled: before.enabled }, after: { enabled } }, tx);
        return r.rows[0]!;
      });
      await reload();
      return view(row);
    },

    async remove(actor: Actor, id: string): Promise<void> {
      const before = await this.get(actor, id);
      if (before.builtin) throw new ConflictError('built-in rules can be disabled, not deleted', { code: 'log_rule.builtin' });
      await db.transaction().execute(async (tx) => {
        await sql`delete from logaudit.rules where id = ${id}`.execute(tx);
        await audit.record({ actor, action: 'log_rule.deleted', target: { type: 'log_rule', id }, before: { title: before.title, kind: before.kind } }, tx);
      });
      await reload();
    },
  };
}

export type RulesService = ReturnType<typeof createRulesService>;
