import { sql, type Kysely } from 'kysely';
import type { AuditTrail } from '../../../core/audit';
import type { Actor } from '../../../core/authz';
import { ConflictError, InputError, NotFoundError } from '../../../core/errors';
import { BUILTIN_PARSERS, normalise, type CustomParser } from '../parsers/normalise-fns';

type ParserRow = { id: string; name: string; kind: CustomParser['kind']; pattern: string | null; mapping: Record<string, string>; program: string | null; active: boolean; created_at: Date; updated_at: Date };
type ParserInput = { name: string; kind: CustomParser['kind']; pattern?: string; mapping: Record<string, string>; program?: string };

const view = (r: ParserRow) => ({ id: r.id, name: r.name, kind: r.kind, pattern: r.pattern, mapping: r.mapping, program: r.program, active: r.active, createdAt: r.created_at, updatedAt: r.updated_at });

function validate(p: Partial<ParserInput>): void {
  if (p.kind === 'regex') {
    if (!p.pattern) throw new InputError('a regex parser needs a pattern', { code: 'log_parser.pattern_required' });
    try {
      new RegExp(p.pattern);
    } catch (err) {
      throw new InputError(`the pattern is not a valid regular expression: ${(err as Error).message}`, { code: 'log_parser.invalid_pattern' });
    }
  }
}

/** The parse editor: operator-defined parsers, tried on sample lines, activated for the ingest. */
export function createParsersService(deps: { db: Kysely<any>; audit: Pick<AuditTrail, 'record'> }) {
  const { db, audit } = deps;
  let active: CustomParser[] = [];

  async function refresh(): Promise<void> {
    const r = await sql<ParserRow>`select * from logaudit.parsers where active order by name`.execute(db);
    active = r.rows.map((x) => ({ name: x.name, kind: x.kind, pattern: x.pattern, mapping: x.mapping, program: x.program }));
  }

  async function load(id: string): Promise<ParserRow> {
    const r = /^[0-9a-f-]{36}$/i.test(id) ? await sql<ParserRow>`select * from logaudit.parsers where id = ${id}`.execute(db) : { rows: [] };
    if (!r.rows[0]) throw new NotFoundError('no such parser', { code: 'log_parser.not_found' });
    return r.rows[0];
  }

  return {
    refresh,
    /** What the ingest applies (kept in memory; refreshed on every change). */
    active: (): readonly CustomParser[] => active,
    builtins: () => [...BUILTIN_PARSERS],

    async list() {
      const r = await sql<ParserRow>`select * from logaudit.parsers order by name`.execute(db);
      return { items: r.rows.map(view), total: r.rows.length };
    },

    async get(id: string) {
      return view(await load(id));
    },

    async create(actor: Actor, input: ParserInput) {
      validate(input);
      const taken = await sql`select 1 from logaudit.parsers where lower(name) = lower(${input.name})`.execute(db);
      if (taken.rows.length) throw new ConflictError(`a parser named ${input.name} exists`, { code: 'log_parser.name_taken' });
      const row = await db.transaction().execute(async (tx) => {
        const r = await sql<ParserRow>`insert into logaudit.parsers (name, kind, pattern, mapping, program) values (${input.name}, ${input.kind}, ${input.pattern ?? null}, ${JSON.stringify(input.mapping)}::jsonb, ${input.program ?? null}) returning *`.execute(tx);
        await audit.record({ actor, action: 'log_parser.created', target: { type: 'log_parser', id: r.rows[0]!.id }, after: { name: input.name, kind: input.kind, program: input.program ?? null } }, tx);
        return r.rows[0]!;
      });
      return view(row);
    },

    async update(actor: Actor, id: string, input: ParserInput) {
      const before = await load(id);
      validate(input);
      const row = await db.transaction().execute(async (tx) => {
        const r = await sql<ParserRow>`update logaudit.parsers set name = ${input.name}, kind = ${input.kind}, pattern = ${input.pattern ?? null}, mapping = ${JSON.stringify(input.mapping)}::jsonb, program = ${input.program ?? null}, updated_at = now() where id = ${id} returning *`.execute(tx);
        await audit.record({ actor, action: 'log_parser.updated', target: { type: 'log_parser', id }, before: { name: before.name, pattern: before.pattern }, after: { name: input.name, pattern: input.pattern ?? null } }, tx);
        return r.rows[0]!;
      });
      await refresh();
      return view(row);
    },

    async setActive(actor: Actor, id: string, on: boolean) {
      await load(id);
      const row = await db.transaction().execute(async (tx) => {
        const r = await sql<ParserRow>`update logaudit.parsers set active = ${on}, updated_at = now() where id = ${id} returning *`.execute(tx);
        await audit.record({ actor, action: on ? 'log_parser.activated' : 'log_parser.deactivated', target: { type: 'log_parser', id } }, tx);
        return r.rows[0]!;
      });
      await refresh();
      return view(row);
    },

    /** Removes a parser; a source still pinned to it falls back to automatic recognition. */
    async remove(actor: Actor, id: string) {
      const before = await load(id);
      await db.transaction().execute(async (tx) => {
        await sql`delete from logaudit.parsers where id = ${id}`.execute(tx);
        await audit.record({ actor, action: 'log_parser.deleted', target: { type: 'log_parser', id }, before: { name: before.name, kind: before.kind, active: before.active } }, tx);
      });
      await refresh();
    },

    /** Runs a draft parser (or a built-in one) over pasted sample lines, without storing anything. */
    test(input: { parser?: Partial<ParserInput>; builtin?: string; lines: string[] }) {
      const draft = input.parser ? { name: input.parser.name ?? 'draft', kind: input.parser.kind ?? 'regex', pattern: input.parser.pattern, mapping: input.parser.mapping ?? {}, program: input.parser.program } : null;
      if (draft) validate(draft);
      const now = new Date();
      return {
        items: input.lines.map((line) => {
          const e = normalise(line, { now, parser: draft ? `custom:${draft.name}` : (input.builtin ?? 'auto'), custom: draft ? [draft as CustomParser] : active });
          // A draft matches only when it, not the syslog header or a built-in parser, produced the fields.
          const matched = draft ? e.parser === `custom:${draft.name}` : e.parser !== 'raw';
          return { line, parser: e.parser, matched, '@timestamp': e.ts, fields: e.fields };
        }),
      };
    },
  };
}

export type ParsersService = ReturnType<typeof createParsersService>;
