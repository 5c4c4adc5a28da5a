import { loadModule, parsePlPgSQLSync, parseSync } from 'libpg-query';
import { Parser as MysqlParser } from 'node-sql-parser/build/mysql';

/** The command type and the tables a statement touches, from the real PostgreSQL parser (keyword fallback). */
export type SqlShape = { command: string; objects: string[]; statements: number; routines: string[] };

let ready: Promise<void> | null = null;
/** Loads the parser's WebAssembly once. */
export function loadSqlParser(): Promise<void> {
  return (ready ??= loadModule());
}

const NAMES: Record<string, string> = { SelectStmt: 'SELECT', InsertStmt: 'INSERT', UpdateStmt: 'UPDATE', DeleteStmt: 'DELETE', DropStmt: 'DROP', TruncateStmt: 'TRUNCATE', GrantStmt: 'GRANT', CopyStmt: 'COPY', CreateStmt: 'CREATE TABLE', TransactionStmt: 'TRANSACTION', VariableSetStmt: 'SET', VariableShowStmt: 'SHOW', CallStmt: 'CALL', DoStmt: 'DO', ExplainStmt: 'EXPLAIN', AlterTableStmt: 'ALTER TABLE', CreateFunctionStmt: 'CREATE FUNCTION', CreateRoleStmt: 'CREATE ROLE', AlterRoleStmt: 'ALTER ROLE' };

function walk(node: unknown, out: Set<string>, routines?: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, out, routines);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (typeof o.relname === 'string') out.add(typeof o.schemaname === 'string' ? `${o.schemaname}.${o.relname}` : o.relname);
  if (routines && Array.isArray(o.funcname)) routines.add(o.funcname.map((n: any) => n?.String?.sval ?? '').join('.'));
  for (const v of Object.values(o)) walk(v, out, routines);
}

/** Shapes a PostgreSQL statement; call `loadSqlParser()` once before. */
export function analysePg(sql: string): SqlShape {
  try {
    const tree = parseSync(sql) as { stmts?: Array<{ stmt: Record<string, unknown> }> };
    const stmts = tree.stmts ?? [];
    const objects = new Set<string>();
    const routines = new Set<string>();
    walk(stmts, objects, routines);
    const first = stmts[0] ? Object.keys(stmts[0].stmt)[0]! : '';
    const command = NAMES[first] ?? (first.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase() || 'EMPTY');
    return { command, objects: [...objects], statements: stmts.length, routines: [...routines] };
  } catch {
    return keywordShape(sql);
  }
}

/** The fallback when a parser refuses a statement: the first keyword and the names after FROM / INTO / UPDATE / JOIN. */
export function keywordShape(sql: string): SqlShape {
  const bare = sql.replace(/'(?:[^'\\]|\\.|'')*'|--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\//g, "''");
  const first = (/^\s*(\w+)/.exec(bare)?.[1] ?? 'UNKNOWN').toUpperCase();
  const objects = new Set<string>();
  for (const m of bare.matchAll(/\b(?:from|into|update|join|table)\s+([`"]?[\w$.]+[`"]?)/gi)) objects.add(m[1]!.replace(/[`"]/g, ''));
  const routines = first === 'CALL' ? [/^\s*call\s+([`"]?[\w$.]+)/i.exec(bare)?.[1]?.replace(/[`"]/g, '') ?? ''].filter(Boolean) : [];
  return { command: first, objects: [...objects], statements: 1, routines };
}

/**
 * Tables referenced by the statements of a SQL or PL/pgSQL routine: `body` is pg_proc.prosrc, `definition` the
 * whole CREATE statement (pg_get_functiondef), which the PL/pgSQL parser needs for return type and arguments.
 */
export function pgRoutineTables(language: string, body: string, definition: string): string[] {
  const out = new Set<string>();
  const queries: string[] = [];
  if (language === 'sql') queries.push(body);
  else if (language === 'plpgsql') {
    const tree = parsePlPgSQLSync(definition);
    const collect = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(collect);
      if (!n || typeof n !== 'object') return;
      const o = n as Record<string, unknown>;
      if (o.PLpgSQL_expr && typeof (o.PLpgSQL_expr as { query?: unknown }).query === 'string') queries.push((o.PLpgSQL_expr as { query: string }).query);
      Object.values(o).forEach(collect);
    };
    collect(tree);
  }
  for (const q of queries) {
    try {
      walk(parseSync(q), out);
    } catch {
      /* an expression, not a statement */
    }
  }
  return [...out];
}

let mysqlParser: InstanceType<typeof MysqlParser> | null = null;
const MYSQL_COMMANDS: Record<string, string> = { 'create': 'CREATE', 'alter': 'ALTER' };

/** Shapes a MySQL / MariaDB statement with node-sql-parser's MySQL grammar (keyword fallback when it refuses). */
export function analyseMysql(sql: string): SqlShape {
  mysqlParser ??= new MysqlParser();
  try {
    const r = mysqlParser.parse(sql);
    const asts = (Array.isArray(r.ast) ? r.ast : [r.ast]) as Array<Record<string, any>>;
    const objects = [...new Set(r.tableList.map((t) => {
      const [, db, table] = t.split('::');
      return db && db !== 'null' ? `${db}.${table}` : table!;
    }))];
    const routines = new Set<string>();
    const collect = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(collect);
      if (!n || typeof n !== 'object') return;
      const o = n as Record<string, any>;
      if (o.type === 'function' && o.name && Array.isArray(o.name.name)) {
        const name = o.name.name.map((x: { value: string }) => x.value).join('.');
        routines.add(o.name.schema?.value ? `${o.name.schema.value}.${name}` : name);
      }
      Object.values(o).forEach(collect);
    };
    collect(asts);
    const type = String(asts[0]?.type ?? 'unknown');
    const command = MYSQL_COMMANDS[type] ? `${MYSQL_COMMANDS[type]} ${String(asts[0]?.keyword ?? '').toUpperCase()}`.trim() : type.toUpperCase();
    return { command, objects, statements: asts.length, routines: [...routines] };
  } catch {
    return keywordShape(sql);
  }
}
