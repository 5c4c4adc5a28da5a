/**
 * Detections over audited statements: SQL injection shapes, dangerous statements, off-hours access; and over
 * connections: password guessing and one account from many addresses. Pure functions; each finding has a severity.
 */
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type Finding = { kind: string; severity: Severity; reason: string };

// Literals removed first, so text inside strings neither hides nor fakes a pattern.
function stripLiterals(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'/g, "'?'").replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, "'?'");
}

/** SQL-injection shapes in one statement text. */
export function injectionFindings(sql: string, statementCount: number): Finding[] {
  const out: Finding[] = [];
  const s = sql.toLowerCase();
  const bare = stripLiterals(s);
  if (/\bor\s+'([^']*)'\s*=\s*'\1'/.test(s) || /\bor\s+(\d+)\s*=\s*\1\b/.test(s) || /\bor\s+true\b/.test(bare))
    out.push({ kind: 'sqli.tautology', severity: 'high', reason: 'an always-true comparison (OR 1=1)' });
  if (/\bunion\s+(all\s+)?select\b[\s\S]*\b(null\s*,\s*){2,}|\bunion\s+(all\s+)?select\b[\s\S]*\b(version\(\)|current_user|user\(\)|@@version|pg_shadow|information_schema|mysql\.user|pg_catalog\.pg_authid)/.test(bare))
    out.push({ kind: 'sqli.union', severity: 'high', reason: 'UNION SELECT probing columns or system data' });
  if (/\b(pg_sleep|sleep|benchmark)\s*\(|\bwaitfor\s+delay\b/.test(bare)) out.push({ kind: 'sqli.time_based', severity: 'high', reason: 'a time delay function' });
  if (/\/\*!?\d*\s*\*\/|\w\/\*[^*]*\*\/\w/.test(s) || /'\s*(--|#)[^\n]*$/.test(s)) out.push({ kind: 'sqli.comment_evasion', severity: 'medium', reason: 'comments inside keywords or closing a quote' });
  if (statementCount > 1 && /;\s*(drop|delete|update|insert|truncate|alter|grant|create\s+(user|role)|copy|shutdown)\b/.test(bare) && /(\bwhere\b[^;]*'[^;]*;|'\s*;)/.test(s))
    out.push({ kind: 'sqli.stacked', severity: 'critical', reason: 'a second statement stacked after a quoted value' });
  return out;
}

/** Statements dangerous in themselves, whoever sends them. */
export function dangerFindings(command: string, sql: string): Finding[] {
  const out: Finding[] = [];
  const bare = stripLiterals(sql.toLowerCase());
  if (command === 'DROP' || /^\s*drop\s+(table|database|schema)\b/.test(bare)) out.push({ kind: 'danger.drop', severity: 'high', reason: 'DROP of a table, schema or database' });
  if (command === 'TRUNCATE' || /^\s*truncate\b/.test(bare)) out.push({ kind: 'danger.truncate', severity: 'high', reason: 'TRUNCATE' });
  if (/^\s*(delete\s+from|update)\b/.test(bare) && !/\bwhere\b/.test(bare)) out.push({ kind: 'danger.no_where', severity: 'high', reason: 'DELETE or UPDATE without WHERE' });
  if (/^\s*grant\b/.test(bare)) out.push({ kind: 'danger.grant', severity: 'medium', reason: 'GRANT of privileges' });
  if (/\bcopy\b[\s\S]*\b(to|from)\s+program\b/.test(bare)) out.push({ kind: 'danger.copy_program', severity: 'critical', reason: 'COPY … PROGRAM runs a shell command on the server' });
  if (/\bload_file\s*\(|\binto\s+(out|dump)file\b/.test(bare)) out.push({ kind: 'danger.file_access', severity: 'critical', reason: 'LOAD_FILE / INTO OUTFILE reads or writes server files' });
  return out;
}

/** Outside the working hours (local time): Monday–Friday, `from`–`to` hours. */
export function offHours(at: Date, hours = { from: 8, to: 19 }): Finding[] {
  const d = at.getDay();
  const h = at.getHours();
  return d === 0 || d === 6 || h < hours.from || h >= hours.to ? [{ kind: 'access.off_hours', severity: 'low', reason: 'statement outside working hours' }] : [];
}

/** Sliding-window counters for password guessing and one account from many addresses. */
export function createConnectionDetector(opts: { failures: number; windowMs: number; distinctIps: number } = { failures: 5, windowMs: 5 * 60_000, distinctIps: 3 }) {
  const fails = new Map<string, number[]>();
  const ips = new Map<string, Map<string, number>>();
  return {
    authFailed(user: string, ip: string, at: number): Finding[] {
      const key = `${user}|${ip}`;
      const list = (fails.get(key) ?? []).filter((t) => at - t < opts.windowMs);
      list.push(at);
      fails.set(key, list);
      return list.length === opts.failures ? [{ kind: 'auth.password_guessing', severity: 'high', reason: `${list.length} failed logins for ${user} from ${ip}` }] : [];
    },
    authSucceeded(user: string, ip: string, at: number): Finding[] {
      const m = ips.get(user) ?? new Map<string, number>();
      for (const [k, t] of m) if (at - t >= opts.windowMs) m.delete(k);
      const isNew = !m.has(ip);
      m.set(ip, at);
      ips.set(user, m);
      return isNew && m.size === opts.distinctIps ? [{ kind: 'access.many_ips', severity: 'medium', reason: `${user} logged in from ${m.size} addresses: ${[...m.keys()].join(', ')}` }] : [];
    },
  };
}
