import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { parseCsvRecord } from './app-parsers-fns';
import { applyCustomParser, normalise } from './normalise-fns';
import { parseSyslog, SyslogFramer } from './syslog-fns';

const CORPORA = process.env.YIYUN_CORPORA ?? path.resolve(__dirname, '../../../../shared/corpora');
const lines = (rel: string) => readFileSync(path.join(CORPORA, rel), 'utf8').split('\n').filter((l) => l.length > 0);

/** Reads a Loghub *_structured.csv (header + one row per line). */
function structured(rel: string): Array<Record<string, string>> {
  const [head, ...rows] = lines(rel);
  const cols = parseCsvRecord(head!);
  return rows.map((r) => Object.fromEntries(parseCsvRecord(r).map((v, i) => [cols[i]!, v])));
}

// What each OpenSSH template (Loghub's ground truth) must normalise to.
const SSH_GOLDEN: Record<string, [string, string]> = {
  E1: ['ssh_login', 'success'],
  E2: ['ssh_connection_closed', 'unknown'],
  E3: ['ssh_no_identification', 'failure'],
  E4: ['ssh_too_many_failures', 'failure'],
  E5: ['ssh_too_many_failures', 'failure'],
  E6: ['ssh_disconnect', 'failure'],
  E7: ['ssh_disconnect', 'failure'],
  E18: ['ssh_max_retries', 'failure'],
  E24: ['ssh_disconnect', 'success'],
  E25: ['ssh_disconnect', 'success'],
  E26: ['ssh_disconnect', 'success'],
  E8: ['ssh_login', 'failure'],
  E9: ['ssh_login', 'failure'],
  E10: ['ssh_login', 'failure'],
  E12: ['ssh_invalid_user', 'failure'],
  E13: ['ssh_invalid_user', 'failure'],
  E14: ['ssh_login', 'failure'],
  E19: ['ssh_login', 'failure'],
  E20: ['ssh_login', 'failure'],
  E21: ['ssh_invalid_user', 'failure'],
  E22: ['session_closed', 'success'],
  E23: ['session_opened', 'success'],
  E27: ['ssh_reverse_mapping_failed', 'unknown'],
};

test('OpenSSH (Loghub 2k): every line keeps its header and content, and each template normalises as its golden row says', (t) => {
  const raw = lines('loghub/OpenSSH/OpenSSH_2k.log');
  const truth = structured('loghub/OpenSSH/OpenSSH_2k.log_structured.csv');
  t.is(raw.length, 2000);
  t.is(truth.length, 2000);
  const now = new Date('2026-01-05T00:00:00');
  let checked = 0;
  for (let i = 0; i < raw.length; i++) {
    const e = normalise(raw[i]!, { now });
    const g = truth[i]!;
    t.is(e.parser, 'sshd', raw[i]);
    t.is(e.fields['host.name'], g.Component);
    t.is(e.fields['process.pid'], Number(g.Pid));
    t.is(String(e.fields.message).trim(), g.Content!.trim());
    t.is(e.ts.getMonth(), 11);
    t.is(e.ts.getDate(), Number(g.Day));
    t.is(e.ts.toTimeString().slice(0, 8), g.Time!);
    const want = SSH_GOLDEN[g.EventId!];
    if (want) {
      t.deepEqual([e.fields['event.action'], e.fields['event.outcome']], want, `${g.EventId}: ${raw[i]}`);
      checked += 1;
    }
    // Wherever the template names an address, the parser must have found the same one.
    const ipInContent = /(?<![\w.-])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.-])/.exec(g.Content!)?.[1];
    if (ipInContent && ['E9', 'E10', 'E13', 'E19', 'E20', 'E27', 'E1'].includes(g.EventId!)) t.is(e.fields['source.ip'], ipInContent, raw[i]);
  }
  t.true(checked > 1900, `${checked}`);
  // The raw line is always kept unchanged.
  t.is(normalise(raw[0]!, { now }).raw, raw[0]!.replace(/\r$/, "")); // the sample has CRLF endings
});

test('Linux (Loghub 2k): syslog header as the ground truth splits it; PAM lines become authentication events', (t) => {
  const raw = lines('loghub/Linux/Linux_2k.log');
  const truth = structured('loghub/Linux/Linux_2k.log_structured.csv');
  const now = new Date('2026-08-01T00:00:00');
  let pam = 0;
  for (let i = 0; i < raw.length; i++) {
    const e = normalise(raw[i]!, { now });
    const g = truth[i]!;
    t.is(e.fields['host.name'], g.Level, raw[i]); // Loghub calls the host column "Level" here
    // Loghub's ground truth takes "syslogd 1.4.1" as one component; syslog's TAG ends at the space.
    const plainTag = /^[\w.()-]+:?$/.test(g.Component!) && g.Component !== '--';
    if (plainTag) t.is(e.fields['log.syslog.appname'], g.Component!.replace(/:$/, ''), raw[i]);
    if (g.PID && plainTag) t.is(e.fields['process.pid'], Number(g.PID), raw[i]);
    if (g.Component === 'sshd(pam_unix)' && /authentication failure/.test(g.Content!)) {
      pam += 1;
      t.is(e.fields['event.outcome'], 'failure');
      t.is(e.fields['event.category'], 'authentication');
      const rhost = /rhost=(\S+)/.exec(g.Content!)?.[1];
      if (rhost && /^\d+\.\d+\.\d+\.\d+$/.test(rhost)) t.is(e.fields['source.ip'], rhost);
      else if (rhost) t.is(e.fields['source.domain'], rhost);
      const user = /user=(\S+)/.exec(g.Content!)?.[1];
      if (user) t.is(e.fields['user.name'], user);
    }
    if (/^session opened for user (\S+)/.test(g.Content!)) t.is(e.fields['event.action'], 'session_opened');
  }
  t.true(pam > 400);
});

test('Apache error log (Loghub 2k): time, level and content as the ground truth; forbidden directory lines carry the client', (t) => {
  const raw = lines('loghub/Apache/Apache_2k.log');
  const truth = structured('loghub/Apache/Apache_2k.log_structured.csv');
  for (let i = 0; i < raw.length; i++) {
    const e = normalise(raw[i]!);
    const g = truth[i]!;
    t.is(e.parser, 'apache_error');
    t.is(e.fields['log.level'], g.Level);
    const d = new Date(g.Time!.replace(/^\w{3} /, '').replace(/(\d{2}:\d{2}:\d{2}) (\d{4})$/, '$2 $1'));
    t.is(e.ts.getTime(), d.getTime());
    if (g.EventId === 'E4') {
      t.is(e.fields['event.action'], 'http_forbidden');
      t.is(e.fields['source.ip'], /\[client ([\d.]+)\]/.exec(g.Content!)?.[1]);
    } else t.is(e.fields['error.message'], g.Content);
  }
});

test('pgaudit transcript: every AUDIT line becomes a datastore event with the class, command and object of its CSV', (t) => {
  const audit = lines('pgaudit/expected/pgaudit.out').filter((l) => l.includes('AUDIT: '));
  t.is(audit.length, 415);
  const classes = new Set<string>();
  for (const l of audit) {
    const e = normalise(l, { parser: 'postgresql' });
    const cols = parseCsvRecord(l.slice(l.indexOf('AUDIT: ') + 7));
    t.is(e.fields['pgaudit.audit_type'], cols[0]);
    t.is(e.fields['pgaudit.class'], cols[3]);
    t.is(e.fields['db.operation'], cols[4]);
    if (cols[6]) t.is(e.fields['db.object.name'], cols[6]);
    t.is(e.fields['db.statement'], cols[7]);
    t.is(e.fields['event.category'], 'database');
    classes.add(String(e.fields['pgaudit.class']));
  }
  t.true(['READ', 'WRITE', 'DDL', 'ROLE', 'MISC'].every((c) => classes.has(c)));
  const quoted = normalise('NOTICE:  AUDIT: SESSION,4,1,DDL,CREATE TABLE,TABLE,public.tmp,"CREATE TABLE tmp (id int, data text)",<not logged>', { parser: 'postgresql' });
  t.is(quoted.fields['db.statement'], 'CREATE TABLE tmp (id int, data text)');
  t.is(quoted.fields['db.object.type'], 'TABLE');
});

test('RFC 5424 with structured data and BOM; RFC 3164 with PRI; year inference across new year', (t) => {
  const m = parseSyslog('<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It\'s time to make the do-nuts.');
  t.is(m.format, 'rfc5424');
  t.is(m.facility, 20);
  t.is(m.severity, 5);
  t.is(m.hostname, '192.0.2.1');
  t.is(m.appName, 'myproc');
  t.is(m.procId, '8710');
  t.is(m.message, "%% It's time to make the do-nuts.");
  t.is(m.timestamp!.toISOString(), '2003-08-24T12:14:15.000Z');
  const sd = parseSyslog('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Appl\\"ication"][examplePriority@32473 class="high"] \uFEFFAn application event');
  t.deepEqual(sd.structuredData, { 'exampleSDID@32473': { iut: '3', eventSource: 'Appl"ication' }, 'examplePriority@32473': { class: 'high' } });
  t.is(sd.message, 'An application event');
  const old = parseSyslog('<34>Oct 11 22:14:15 mymachine su: \'su root\' failed for lonvick on /dev/pts/8', new Date('2027-01-02T00:00:00'));
  t.is(old.format, 'rfc3164');
  t.is(old.timestamp!.getFullYear(), 2026);
  t.is(old.hostname, 'mymachine');
  t.is(old.appName, 'su');
});

test('TCP framing: octet counting and newline framing, split across chunks', (t) => {
  const f = new SyslogFramer();
  const a = '<13>1 2026-01-01T00:00:00Z h app - - - hello\nworld';
  const framed = `${Buffer.byteLength(a)} ${a}<13>Jan  1 00:00:00 h app: plain line\n`;
  const buf = Buffer.from(framed);
  const out = [...f.push(buf.subarray(0, 7)), ...f.push(buf.subarray(7, 40)), ...f.push(buf.subarray(40))];
  t.deepEqual(out, [a, '<13>Jan  1 00:00:00 h app: plain line']);
  t.deepEqual(f.push(Buffer.from('tail without newline')), []);
  t.deepEqual(f.flush(), ['tail without newline']);
});

test('sudo, su, auditd, nginx access, nginx+ModSecurity, MariaDB and PostgreSQL lines normalise to ECS', (t) => {
  const sudo = normalise('Mar  3 10:00:00 web1 sudo: bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash');
  t.is(sudo.fields['event.action'], 'sudo_not_in_sudoers');
  t.is(sudo.fields['user.name'], 'bob');
  const su = normalise('Mar  3 10:00:00 web1 su: FAILED su for root by alice');
  t.deepEqual([su.fields['event.action'], su.fields['event.outcome'], su.fields['user.name']], ['su', 'failure', 'alice']);
  const au = normalise(`type=USER_LOGIN msg=audit(1700000000.123:456): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct="root" exe="/usr/sbin/sshd" hostname=? addr=203.0.113.9 terminal=sshd res=failed'`);
  t.is(au.parser, 'auditd');
  t.is(au.fields['source.ip'], '203.0.113.9');
  t.is(au.fields['user.name'], 'root');
  t.is(au.fields['event.outcome'], 'failure');
  t.is(au.ts.getTime(), 1700000000123);
  const ex = normalise('type=EXECVE msg=audit(1700000000.000:7): argc=3 a0="cat" a1="/etc/shadow" a2="-n"');
  t.is(ex.fields['process.command_line'], 'cat /etc/shadow -n');
  const acc = normalise('198.51.100.7 - - [25/Nov/2026:10:00:00 +0800] "GET /login.php?u=admin%27-- HTTP/1.1" 403 12 "-" "sqlmap/1.7"');
  t.is(acc.fields['http.response.status_code'], 403);
  t.is(acc.fields['url.query'], 'u=admin%27--');
  t.is(acc.ts.toISOString(), '2026-11-25T02:00:00.000Z');
  const ms = normalise('2026/11/25 10:00:00 [error] 12#12: *3 [client 198.51.100.7] ModSecurity: Access denied with code 403 (phase 2). Matched "Operator `Ge\' with parameter `5\'" [id "949110"] [msg "Inbound Anomaly Score Exceeded (Total Score: 5)"] [uri "/x"], client: 198.51.100.7, server: localhost, request: "GET /x?id=1 HTTP/1.1"');
  t.is(ms.parser, 'nginx_error');
  t.is(ms.fields['rule.id'], '949110');
  t.is(ms.fields['event.action'], 'waf_blocked');
  t.is(ms.fields['source.ip'], '198.51.100.7');
  const my = normalise("2026-11-25 10:00:00 12 [Warning] Access denied for user 'root'@'198.51.100.8' (using password: YES)");
  t.deepEqual([my.parser, my.fields['user.name'], my.fields['source.ip'], my.fields['event.outcome']], ['mysql', 'root', '198.51.100.8', 'failure']);
  const pg = normalise('2026-11-25 10:00:00.123 UTC [4242] app@his FATAL:  password authentication failed for user "app"');
  t.deepEqual([pg.parser, pg.fields['user.name'], pg.fields['event.action'], pg.fields['db.name']], ['postgresql', 'app', 'db_login', 'his']);
  const json = normalise('{"@timestamp":"2026-11-25T01:02:03Z","source":{"ip":"10.0.0.1"},"event":{"action":"x"}}');
  t.is(json.fields['source.ip'], '10.0.0.1');
  t.is(json.ts.toISOString(), '2026-11-25T01:02:03.000Z');
  const unknown = normalise('complete gibberish line');
  t.is(unknown.raw, 'complete gibberish line');
  t.is(unknown.fields.message, 'complete gibberish line');
});

test('parse editor: a regex parser with named groups maps to ECS and keeps unmapped groups under custom.*', (t) => {
  const p = { name: 'his', kind: 'regex' as const, pattern: '^HIS (?<who>\\w+) (?<act>\\w+) from (?<ip>[\\d.]+) dept=(?<dept>\\w+)$', mapping: { who: 'user.name', act: 'event.action', ip: 'source.ip' }, program: 'his' };
  t.deepEqual(applyCustomParser(p, 'HIS zhang login from 10.1.2.3 dept=icu'), { 'user.name': 'zhang', 'event.action': 'login', 'source.ip': '10.1.2.3', 'custom.his.dept': 'icu' });
  t.is(applyCustomParser(p, 'something else'), null);
  const e = normalise('<14>Nov 25 10:00:00 app1 his: HIS zhang login from 10.1.2.3 dept=icu', { custom: [p] });
  t.is(e.parser, 'custom:his');
  t.is(e.fields['user.name'], 'zhang');
  const kv = applyCustomParser({ name: 'fw', kind: 'kv', mapping: { src: 'source.ip', act: 'event.action' } }, 'src=1.2.3.4 dst=5.6.7.8 act=deny');
  t.deepEqual(kv, { 'source.ip': '1.2.3.4', 'custom.fw.dst': '5.6.7.8', 'event.action': 'deny' });
});
