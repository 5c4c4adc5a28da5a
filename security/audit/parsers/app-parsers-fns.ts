import { isIP } from 'node:net';

/** Flat ECS fields (`source.ip`, `user.name`, …) a parser adds; `undefined` values are dropped. */
export type Fields = Record<string, string | number | boolean | null | string[] | undefined>;

/** What an application parser reads from a message body: fields, and the time when the body carries one. */
export type AppParse = { parser: string; fields: Fields; ts?: Date };

const ip = (s: string | undefined): string | undefined => {
  if (!s) return undefined;
  const v = s.replace(/^::ffff:/, '');
  return isIP(v) ? v : undefined;
};

/** Reads `a=b c="d e"` pairs (auditd, PAM, key-value devices). */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let v = m[2]!;
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[m[1]!] = v;
  }
  return out;
}

/** Splits one CSV record (pgaudit, MariaDB audit plugin): quotes double to escape. */
export function parseCsvRecord(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  let cur = '';
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cur += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
    i += 1;
  }
  out.push(cur);
  return out;
}

// ---- sshd -------------------------------------------------------------------------------------------------------

const SSH_RULES: Array<[RegExp, (m: RegExpExecArray) => Fields]> = [
  [/^(?:message repeated (\d+) times: \[ )?Failed (password|publickey|none|keyboard-interactive\/pam) for (invalid user )?(.*?) from (\S+) port (\d+)/, (m) => ({
    'event.action': 'ssh_login', 'event.outcome': 'failure', 'event.category': 'authentication', 'user.name': m[4], 'source.ip': ip(m[5]), 'source.port': Number(m[6]),
    'ssh.method': m[2], 'user.invalid': m[3] ? true : undefined, 'event.count': m[1] ? Number(m[1]) : undefined,
  })],
  [/^Accepted (\S+) for (\S+) from (\S+) port (\d+)/, (m) => ({
    'event.action': 'ssh_login', 'event.outcome': 'success', 'event.category': 'authentication', 'user.name': m[2], 'source.ip': ip(m[3]), 'source.port': Number(m[4]), 'ssh.method': m[1],
  })],
  [/^Invalid user (.*?) from (\S+)(?: port (\d+))?$/, (m) => ({
    'event.action': 'ssh_invalid_user', 'event.outcome': 'failure', 'event.category': 'authentication', 'user.name': m[1], 'source.ip': ip(m[2]), 'source.port': m[3] ? Number(m[3]) : undefined,
  })],
  [/^input_userauth_request: invalid user (.*?) \[preauth\]/, (m) => ({ 'event.action': 'ssh_invalid_user', 'event.outcome': 'failure', 'event.category': 'authentication', 'user.name': m[1] })],
  [/^pam_unix\(sshd:auth\): authentication failure;(.*)$/, (m) => pamFailure(m[1]!, 'sshd')],
  [/^pam_unix\(sshd:auth\): check pass; user unknown/, () => ({ 'event.action': 'ssh_invalid_user', 'event.outcome': 'failure', 'event.category': 'authentication' })],
  [/^PAM (\d+) more authentication failures?;(.*)$/, (m) => ({ ...pamFailure(m[2]!, 'sshd'), 'event.count': Number(m[1]) })],
  [/^PAM service\(sshd\) ignoring max retries; (\d+) > (\d+)/, () => ({ 'event.action': 'ssh_max_retries', 'event.outcome': 'failure', 'event.category': 'authentication' })],
  [/^pam_unix\(sshd:session\): session (opened|closed) for user (\S+)/, (m) => ({ 'event.action': `session_${m[1]}`, 'event.outcome': 'success', 'event.category': 'session', 'user.name': m[2] })],
  [/^Disconnecting: Too many authentication failures for (\S+)/, (m) => ({ 'event.action': 'ssh_too_many_failures', 'event.outcome': 'failure', 'event.category': 'authentication', 'user.name': m[1] })],
  [/^reverse mapping checking getaddrinfo for (\S+) \[(\S+)\] failed - POSSIBLE BREAK-IN ATTEMPT!/, (m) => ({
    'event.action': 'ssh_reverse_mapping_failed', 'event.outcome': 'unknown', 'event.category': 'network', 'source.domain': m[1], 'source.ip': ip(m[2]),
  })],
  [/^Did not receive identification string from (\S+)/, (m) => ({ 'event.action': 'ssh_no_identification', 'event.outcome': 'failure', 'event.category': 'network', 'source.ip': ip(m[1]) })],
  [/^(?:error: )?Received disconnect from (\S+?)(?: port (\d+))?: ?(\d+): (.*)$/, (m) => ({
    'event.action': 'ssh_disconnect', 'event.outcome': /Auth fail|No more user authentication/.test(m[4]!) ? 'failure' : 'success', 'event.category': 'session', 'source.ip': ip(m[1]), 'ssh.disconnect_reason': m[4],
  })],
  [/^Connection closed by (?:authenticating user \S+ |invalid user \S+ )?(\S+)(?: port (\d+))?/, (m) => ({ 'event.action': 'ssh_connection_closed', 'event.outcome': 'unknown', 'event.category': 'session', 'source.ip': ip(m[1]) })],
  [/^fatal: (.*)$/, (m) => ({ 'event.action': 'ssh_fatal', 'event.outcome': 'failure', 'error.message': m[1] })],
];

function pamFailure(kv: string, service: string): Fields {
  const f = parseKeyValues(kv);
  const rhost = f.rhost || undefined;
  return {
    'event.action': service === 'sshd' ? 'ssh_login' : `${service}_auth`,
    'event.outcome': 'failure',
    'event.category': 'authentication',
    'user.name': f.user || undefined,
    'source.ip': ip(rhost),
    'source.domain': rhost && !ip(rhost) ? rhost : undefined,
    'process.tty': f.tty || undefined,
  };
}

function parseSshd(msg: string): Fields | null {
  for (const [re, build] of SSH_RULES) {
    const m = re.exec(msg);
    if (m) return build(m);
  }
  return null;
}

// ---- PAM (any service: "sshd(pam_unix)", "su(pam_unix)", "pam_unix(su:session)") ------------------------------------

function parsePam(service: string, msg: string): Fields | null {
  let m = /^authentication failure;(.*)$/.exec(msg);
  if (m) return pamFailure(m[1]!, service);
  m = /^session (opened|closed) for user (\S+)(?: by (\S*?)\(uid=(\d+)\))?/.exec(msg);
  if (m) return { 'event.action': `session_${m[1]}`, 'event.outcome': 'success', 'event.category': 'session', 'user.name': m[2], 'user.effective.name': m[2], 'process.user.name': m[3] || undefined };
  if (/^check pass; user unknown/.test(msg)) return { 'event.action': `${service === 'sshd' ? 'ssh' : service}_invalid_user`, 'event.outcome': 'failure', 'event.category': 'authentication' };
  return null;
}

// ---- sudo / su -------------------------------------------------------------------------------------------------

function parseSudo(msg: string): Fields | null {
  const pam = /^pam_unix\(sudo:(\w+)\): (.*)$/.exec(msg);
  if (pam) return parsePam('sudo', pam[2]!);
  const m = /^\s*(\S+) : (?:(.*?) ; )?TTY=(\S+) ; PWD=(.*?) ; USER=(\S+) ;(?: COMMAND=(.*))?$/.exec(msg);
  if (!m) return null;
  const problem = m[2];
  const failed = !!problem;
  return {
    'event.action': problem && /NOT in sudoers/.test(problem) ? 'sudo_not_in_sudoers' : problem && /incorrect password/.test(problem) ? 'sudo_bad_password' : problem ? 'sudo_denied' : 'sudo_command',
    'event.outcome': failed ? 'failure' : 'success',
    'event.category': 'process',
    'user.name': m[1],
    'user.effective.name': m[5],
    'process.command_line': m[6]?.trim(),
    'process.working_directory': m[4],
    'process.tty': m[3],
    'error.message': problem || undefined,
    'event.count': problem ? Number(/(\d+) incorrect password/.exec(problem)?.[1] ?? 1) : undefined,
  };
}

function parseSu(msg: string): Fields | null {
  const pam = /^pam_unix\(su(?:-l)?:(\w+)\): (.*)$/.exec(msg);
  if (pam) return parsePam('su', pam[2]!);
  let m = /^FAILED su for (\S+) by (\S+)/.exec(msg);
  if (m) return { 'event.action': 'su', 'event.outcome': 'failure', 'event.category': 'authentication', 'user.name': m[2], 'user.target.name': m[1] };
  m = /^\(to (\S+)\) (\S+) on (\S+)/.exec(msg);
  if (m) return { 'event.action': 'su', 'event.outcome': 'success', 'event.category': 'authentication', 'user.name': m[2], 'user.target.name': m[1], 'process.tty': m[3] };
  m = /^Successful su for (\S+) by (\S+)/.exec(msg);
  if (m) return { 'event.action': 'su', 'event.outcome': 'success', 'event.category': 'authentication', 'user.name': m[2], 'user.target.name': m[1] };
  return parsePam('su', msg);
}

// ---- auditd -----------------------------------------------------------------------------------------------------

/** One auditd record (`type=... msg=audit(ts:serial): k=v ... msg='k=v ...'`). */
export function parseAuditd(line: string): AppParse | null {
  const m = /^(?:node=\S+ )?type=(\S+) msg=audit\((\d+)\.(\d+):(\d+)\): ?(.*)$/.exec(line);
  if (!m) return null;
  const body = m[5]!;
  const inner = /msg='([^']*)'/.exec(body);
  const kv = { ...parseKeyValues(body.replace(/msg='[^']*'/, '')), ...(inner ? parseKeyValues(inner[1]!) : {}) };
  const type = m[1]!;
  const res = kv.res ?? kv.success;
  const outcome = res === 'success' || res === 'yes' ? 'success' : res === 'failed' || res === 'no' ? 'failure' : 'unknown';
  const fields: Fields = {
    'auditd.log.record_type': type,
    'auditd.log.sequence': Number(m[4]),
    'event.action': type.toLowerCase(),
    'event.outcome': outcome,
    'event.category': /LOGIN|AUTH|ACCT|CRED/.test(type) ? 'authentication' : type === 'EXECVE' || type === 'SYSCALL' ? 'process' : type.startsWith('USER_') || type.startsWith('ADD_') || type.startsWith('DEL_') ? 'iam' : 'host',
    'user.name': kv.acct ?? kv.id ?? undefined,
    'user.audit.id': kv.auid,
    'user.id': kv.uid,
    'process.pid': kv.pid ? Number(kv.pid) : undefined,
    'process.executable': kv.exe,
    'process.name': kv.comm,
    'source.ip': ip(kv.addr),
    'source.domain': kv.hostname && kv.hostname !== '?' ? kv.hostname : undefined,
    'auditd.data.syscall': kv.syscall,
    'auditd.data.key': kv.key && kv.key !== '(null)' ? kv.key : undefined,
  };
  if (type === 'EXECVE') {
    const argc = Number(kv.argc ?? 0);
    const args: string[] = [];
    for (let i = 0; i < argc; i++) if (kv[`a${i}`] !== undefined) args.push(kv[`a${i}`]!);
    fields['process.args'] = args;
    fields['process.command_line'] = args.join(' ');
    // Sigma's auditd rules name these a0, a1, …: keep them too.
    for (let i = 0; i < argc; i++) if (kv[`a${i}`] !== undefined) fields[`a${i}`] = kv[`a${i}`];
  }
  for (const k of ['type', 'key', 'syscall', 'exe', 'comm', 'name', 'nametype', 'SYSCALL']) if (kv[k] !== undefined && fields[k] === undefined) fields[k] = kv[k];
  fields.type = type;
  return { parser: 'auditd', fields, ts: new Date(Number(m[2]) * 1000 + Number(m[3]!.slice(0, 3).padEnd(3, "0"))) };
}

// ---- web access / error logs -------------------------------------------------------------------------------------

const ACCESS = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "(\S+) (\S+?)(?: (HTTP\/[\d.]+))?" (\d{3}) (\d+|-)(?: "([^"]*)" "([^"]*)")?/;
const CLF_MONTHS: Record<string, string> = { Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06', Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12' };

function clfDate(s: string): Date | undefined {
  const m = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const d = new Date(`${m[3]}-${CLF_MONTHS[m[2]!]}-${m[1]}T${m[4]}${m[5]}:${m[6]}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** nginx / Apache combined (or common) access log line. */
export function parseAccessLog(line: string): AppParse | null {
  const m = ACCESS.exec(line);
  if (!m) return null;
  const target = m[6]!;
  const q = target.indexOf('?');
  const status = Number(m[8]);
  return {
    parser: 'web_access',
    ts: clfDate(m[4]!),
    fields: {
      'source.ip': ip(m[1]),
      'source.address': m[1],
      'user.name': m[3] === '-' ? undefined : m[3],
      'http.request.method': m[5],
      'url.original': target,
      'url.path': q >= 0 ? target.slice(0, q) : target,
      'url.query': q >= 0 ? target.slice(q + 1) : undefined,
      'http.version': m[7]?.slice(5),
      'http.response.status_code': status,
      'http.response.body.bytes': m[9] === '-' ? undefined : Number(m[9]),
      'http.request.referrer': m[10] && m[10] !== '-' ? m[10] : undefined,
      'user_agent.original': m[11] && m[11] !== '-' ? m[11] : m[11] === '-' ? '-' : undefined,
      'event.action': 'http_request',
      'event.category': 'web',
      'event.outcome': status >= 400 ? 'failure' : 'success',
    },
  };
}

const APACHE_ERROR = /^\[(\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? \d{4})\] \[(?:([\w-]+):)?(\w+)\](?: \[pid (\d+)(?::tid \d+)?\])?(?: \[client ([^\]]+)\])? ?(.*)$/;

/** Apache error log line (2.2 `[date] [level] msg` and 2.4 `[date] [module:level] [pid n] [client ip:port] msg`). */
export function parseApacheError(line: string): AppParse | null {
  const m = APACHE_ERROR.exec(line);
  if (!m) return null;
  let message = m[6]!;
  let client = m[5];
  const inner = /^\[client ([^\]]+)\] (.*)$/.exec(message);
  if (!client && inner) {
    client = inner[1];
    message = inner[2]!;
  }
  const clientIp = client?.replace(/:\d+$/, '');
  const d = new Date(m[1]!.replace(/^\w{3} /, '').replace(/(\d{2}:\d{2}:\d{2})(\.\d+)? (\d{4})$/, '$3 $1'));
  const fields: Fields = {
    'log.level': m[3],
    'apache.error.module': m[2],
    'process.pid': m[4] ? Number(m[4]) : undefined,
    'source.ip': ip(clientIp),
    'error.message': message,
    'event.category': 'web',
    'event.action': /Directory index forbidden/.test(message) ? 'http_forbidden' : 'web_error',
    'event.outcome': /forbidden|denied/i.test(message) ? 'failure' : 'unknown',
  };
  const modsec = parseModSecurityMessage(message);
  if (modsec) Object.assign(fields, modsec);
  return { parser: 'apache_error', ts: Number.isNaN(d.getTime()) ? undefined : d, fields };
}

const NGINX_ERROR = /^(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) \[(\w+)\] (\d+)#(\d+): (?:\*(\d+) )?(.*)$/;

/** nginx error log line (with ModSecurity's messages inside it when present). */
export function parseNginxError(line: string): AppParse | null {
  const m = NGINX_ERROR.exec(line);
  if (!m) return null;
  const body = m[6]!;
  const client = /, client: ([^,]+)/.exec(body)?.[1];
  const request = /, request: "(\S+) (\S+)[^"]*"/.exec(body);
  const fields: Fields = {
    'log.level': m[2],
    'process.pid': Number(m[3]),
    'source.ip': ip(client),
    'http.request.method': request?.[1],
    'url.original': request?.[2],
    'error.message': body.replace(/, client: .*$/, ''),
    'event.category': 'web',
    'event.action': 'web_error',
    'event.outcome': 'unknown',
  };
  const modsec = parseModSecurityMessage(body);
  if (modsec) Object.assign(fields, modsec);
  return { parser: 'nginx_error', ts: new Date(m[1]!.replace(/\//g, '-').replace(' ', 'T')), fields };
}

/** The `ModSecurity: … [id "942100"] [msg "…"]` message libmodsecurity writes into the web server's error log. */
export function parseModSecurityMessage(text: string): Fields | null {
  if (!/ModSecurity: /.test(text)) return null;
  const ids = [...text.matchAll(/\[id "(\d+)"\]/g)].map((x) => x[1]!);
  const tags = [...text.matchAll(/\[tag "([^"]+)"\]/g)].map((x) => x[1]!);
  return {
    'event.action': /Access denied/.test(text) ? 'waf_blocked' : 'waf_detected',
    'event.category': 'intrusion_detection',
    'event.outcome': /Access denied/.test(text) ? 'failure' : 'unknown',
    'rule.id': ids[0],
    'rule.ids': ids,
    'rule.name': /\[msg "([^"]+)"\]/.exec(text)?.[1],
    'tags': tags.length ? tags : undefined,
    'url.original': /\[uri "([^"]+)"\]/.exec(text)?.[1],
  };
}

/** ModSecurity's JSON audit log record (SecAuditLogFormat JSON). */
export function parseModSecurityJson(obj: Record<string, any>): AppParse | null {
  const t = obj.transaction;
  if (!t || typeof t !== 'object') return null;
  const messages: any[] = Array.isArray(t.messages) ? t.messages : [];
  const ids = messages.map((x) => String(x?.details?.ruleId ?? '')).filter(Boolean);
  const headers = (t.request?.headers ?? {}) as Record<string, string>;
  const ua = Object.entries(headers).find(([k]) => k.toLowerCase() === 'user-agent')?.[1];
  const uri = String(t.request?.uri ?? '');
  const q = uri.indexOf('?');
  const status = Number(t.response?.http_code ?? 0) || undefined;
  const ts = typeof t.time_stamp === 'string' ? new Date(t.time_stamp) : undefined;
  return {
    parser: 'modsecurity',
    ts: ts && !Number.isNaN(ts.getTime()) ? ts : undefined,
    fields: {
      'source.ip': ip(t.client_ip),
      'source.port': t.client_port ? Number(t.client_port) : undefined,
      'destination.ip': ip(t.host_ip),
      'http.request.method': t.request?.method,
      'url.original': uri,
      'url.path': q >= 0 ? uri.slice(0, q) : uri,
      'url.query': q >= 0 ? uri.slice(q + 1) : undefined,
      'http.response.status_code': status,
      'user_agent.original': ua,
      'rule.id': ids[0],
      'rule.ids': ids,
      'rule.name': messages[0]?.message,
      'transaction.id': t.unique_id,
      'event.category': 'intrusion_detection',
      'event.action': ids.length ? (status === 403 ? 'waf_blocked' : 'waf_detected') : 'http_request',
      'event.outcome': status && status >= 400 ? 'failure' : 'success',
    },
  };
}

// ---- databases ------------------------------------------------------------------------------------------------------

/** A pgaudit line (`AUDIT: SESSION,1,1,READ,SELECT,TABLE,public.t,select …,<not logged>`), OCSF-style datastore fields. */
export function parsePgAudit(text: string): Fields | null {
  const i = text.indexOf('AUDIT: ');
  if (i < 0) return null;
  const cols = parseCsvRecord(text.slice(i + 7));
  if (cols.length < 8) return null;
  const [auditType, statementId, substatementId, klass, command, objectType, objectName, statement, parameter] = cols;
  return {
    'event.action': `db_${(command ?? '').toLowerCase().replace(/\s+/g, '_')}`,
    'event.category': 'database',
    'event.outcome': 'success',
    'db.system': 'postgresql',
    'pgaudit.audit_type': auditType,
    'pgaudit.statement_id': Number(statementId),
    'pgaudit.substatement_id': Number(substatementId),
    'pgaudit.class': klass,
    'db.operation': command,
    'db.object.type': objectType || undefined,
    'db.object.name': objectName || undefined,
    'db.statement': statement,
    'db.parameters': parameter,
    // OCSF database activity (class 6005 "Datastore Activity") names, for what ECS has no field for.
    'ocsf.activity_name': command,
    'ocsf.database.object': objectName || undefined,
  };
}

const PG_LINE = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?(?: [A-Z]{2,5}|[+-]\d{2})?) \[(\d+)\](?: (\S*?)@(\S*?))?(?: \S+)? ?(LOG|ERROR|FATAL|WARNING|NOTICE|PANIC|STATEMENT|DETAIL|HINT|INFO|DEBUG\d?):\s+(.*)$/;

/** A PostgreSQL server log line (`log_line_prefix = '%m [%p] %q%u@%d '`), with pgaudit's AUDIT lines inside. */
export function parsePostgres(line: string): AppParse | null {
  const m = PG_LINE.exec(line);
  const body = m ? m[6]! : line;
  const level = m ? m[5]! : /^(NOTICE|LOG|ERROR|FATAL|WARNING):\s+/.exec(line)?.[1];
  if (!m && !level) return null;
  const text = m ? body : line.replace(/^\w+:\s+/, '');
  const fields: Fields = {
    'log.level': level?.toLowerCase(),
    'process.pid': m ? Number(m[2]) : undefined,
    'user.name': m?.[3] || undefined,
    'db.name': m?.[4] || undefined,
    'db.system': 'postgresql',
    'event.category': 'database',
  };
  const audit = parsePgAudit(text);
  if (audit) Object.assign(fields, audit);
  else {
    const fail = /password authentication failed for user "([^"]+)"/.exec(text);
    if (fail) Object.assign(fields, { 'event.action': 'db_login', 'event.outcome': 'failure', 'event.category': 'authentication', 'user.name': fail[1] });
    const ok = /connection authorized: user=(\S+)(?: database=(\S+))?/.exec(text);
    if (ok) Object.assign(fields, { 'event.action': 'db_login', 'event.outcome': 'success', 'event.category': 'authentication', 'user.name': ok[1], 'db.name': ok[2] });
    const stmt = /^statement: (.*)$/.exec(text);
    if (stmt) Object.assign(fields, { 'event.action': 'db_statement', 'event.outcome': 'success', 'db.statement': stmt[1] });
    const conn = /connection received: host=(\S+)/.exec(text);
    if (conn) Object.assign(fields, { 'event.action': 'db_connection', 'source.ip': ip(conn[1]) });
    if (!fields['event.action']) fields['event.action'] = level === 'ERROR' || level === 'FATAL' ? 'db_error' : 'db_log';
    if (!fields['event.outcome']) fields['event.outcome'] = level === 'ERROR' || level === 'FATAL' ? 'failure' : 'unknown';
  }
  let ts: Date | undefined;
  if (m) {
    const t = new Date(m[1]!.replace(' ', 'T').replace(/ UTC$/, 'Z').replace(/ ([A-Z]{2,5})$/, ''));
    ts = Number.isNaN(t.getTime()) ? undefined : t;
  }
  return { parser: 'postgresql', ts, fields };
}

/** MySQL / MariaDB error log and general log lines, and the MariaDB audit plugin's CSV. */
export function parseMysql(line: string): AppParse | null {
  const err = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?) +(\d+) \[(\w+)\](?: \[[^\]]+\] \[[^\]]+\])? (.*)$/.exec(line);
  if (err) {
    const msg = err[4]!;
    const denied = /Access denied for user '([^']*)'@'([^']*)'/.exec(msg);
    const t = new Date(err[1]!.includes('T') ? err[1]! : `${err[1]!.replace(' ', 'T')}`);
    return {
      parser: 'mysql',
      ts: Number.isNaN(t.getTime()) ? undefined : t,
      fields: {
        'db.system': 'mysql', 'log.level': err[3]!.toLowerCase(), 'event.category': denied ? 'authentication' : 'database',
        'event.action': denied ? 'db_login' : 'db_log', 'event.outcome': denied ? 'failure' : 'unknown',
        'user.name': denied?.[1], 'source.ip': ip(denied?.[2]), 'source.domain': denied && !ip(denied[2]) ? denied[2] : undefined, 'error.message': msg,
      },
    };
  }
  // server_audit plugin: timestamp,serverhost,username,host,connectionid,queryid,operation,database,object,retcode
  const audit = /^(\d{8} \d{2}:\d{2}:\d{2}),([^,]*),([^,]*),([^,]*),(\d+),(\d+),(CONNECT|DISCONNECT|FAILED_CONNECT|QUERY|READ|WRITE|CREATE|ALTER|RENAME|DROP),(.*)$/.exec(line);
  if (audit) {
    const rest = parseCsvRecord(audit[8]!.replace(/'/g, '"'));
    const retcode = Number(rest[rest.length - 1]);
    const op = audit[7]!;
    const d = audit[1]!;
    return {
      parser: 'mysql',
      ts: new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9)}`),
      fields: {
        'db.system': 'mysql', 'host.name': audit[2], 'user.name': audit[3], 'source.ip': ip(audit[4]), 'source.domain': ip(audit[4]) ? undefined : audit[4],
        'db.name': rest[0] || undefined, 'db.statement': op === 'QUERY' ? rest.slice(1, -1).join(',') : undefined,
        'event.action': op === 'CONNECT' || op === 'FAILED_CONNECT' ? 'db_login' : `db_${op.toLowerCase()}`,
        'event.outcome': op === 'FAILED_CONNECT' || retcode !== 0 ? 'failure' : 'success',
        'event.category': op.includes('CONNECT') ? 'authentication' : 'database',
      },
    };
  }
  return null;
}

// ---- dispatch on the syslog program --------------------------------------------------------------------------------

/** Parses a syslog message body by its program (APP-NAME / TAG). Returns null when no built-in parser knows it. */
export function parseByProgram(program: string | null, msg: string): AppParse | null {
  if (!program) return null;
  const base = program.replace(/\(.*$/, '');
  const sub = /\(([^)]*)\)/.exec(program)?.[1];
  if (sub === 'pam_unix') {
    const f = parsePam(base, msg);
    return f ? { parser: 'pam', fields: f } : null;
  }
  if (base === 'sshd') {
    const f = parseSshd(msg) ?? (msg.startsWith('pam_unix(') ? parsePam('sshd', msg.replace(/^pam_unix\([^)]*\): /, '')) : null);
    return { parser: 'sshd', fields: f ?? { 'event.action': 'ssh_other', 'event.category': 'session' } };
  }
  if (base === 'sudo') {
    const f = parseSudo(msg);
    return f ? { parser: 'sudo', fields: f } : null;
  }
  if (base === 'su') {
    const f = parseSu(msg);
    return f ? { parser: 'su', fields: f } : null;
  }
  if (base === 'login' || base === 'gdm' || base === 'sshd-session') {
    const pam = /^pam_unix\((\w+):\w+\): (.*)$/.exec(msg);
    const f = parsePam(base, pam ? pam[2]! : msg);
    return f ? { parser: 'pam', fields: f } : null;
  }
  if (base === 'audispd' || base === 'auditd' || base === 'audit') {
    return parseAuditd(msg);
  }
  if (base === 'nginx' || base === 'httpd' || base === 'apache2' || base === 'apache') {
    return parseAccessLog(msg) ?? parseNginxError(msg) ?? parseApacheError(msg);
  }
  if (base === 'postgres' || base === 'postgresql') return parsePostgres(msg);
  if (base === 'mysqld' || base === 'mariadbd' || base === 'mariadb' || base === 'mysql') return parseMysql(msg);
  return null;
}
