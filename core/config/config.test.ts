import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSettings } from './config';
import { ConfigError } from '../errors';

test('defaults apply on an empty environment', (t) => {
  const s = loadSettings({});
  t.is(s.PORT, 8080);
  t.is(s.YIYUN_DATA_DIR, '.yiyun');
  t.is(s.DATABASE_URL, undefined);
  t.is(s.YIYUN_AUDIT_CHECKPOINT_EVERY, 100);
});

test('a wrong enum names the setting and the allowed values', (t) => {
  const e = t.throws(() => loadSettings({ YIYUN_LOG_LEVEL: 'loud' }), { instanceOf: ConfigError });
  t.regex(e!.message, /YIYUN_LOG_LEVEL/);
  t.regex(e!.message, /allowed values: fatal, error, warn, info, debug, trace, silent/);
});

test('a non-numeric port and an unknown YIYUN_ key are both reported', (t) => {
  const e = t.throws(() => loadSettings({ PORT: 'eighty', YIYUN_COLOUR: 'red' }), { instanceOf: ConfigError });
  t.regex(e!.message, /PORT/);
  t.regex(e!.message, /YIYUN_COLOUR/);
});

test('unrelated environment variables are ignored', (t) => {
  t.notThrows(() => loadSettings({ PATH: '/usr/bin', HOME: '/root' }));
});

test('the config file is read and the environment overrides it', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-cfg-'));
  const file = path.join(dir, 'yiyun.json');
  writeFileSync(file, JSON.stringify({ PORT: 9000, YIYUN_LOG_LEVEL: 'warn' }));
  const s = loadSettings({ YIYUN_CONFIG: file, PORT: '9100' });
  t.is(s.PORT, 9100);
  t.is(s.YIYUN_LOG_LEVEL, 'warn');
});

test('an unreadable config file stops start-up with its name', (t) => {
  const e = t.throws(() => loadSettings({ YIYUN_CONFIG: '/nonexistent/yiyun.json' }), { instanceOf: ConfigError });
  t.regex(e!.message, /YIYUN_CONFIG/);
});

test('a number setting that is not a number, or out of range, names the allowed range', (t) => {
  for (const PORT of ['eighty', '70000', '80.5', '-1']) {
    const e = t.throws(() => loadSettings({ PORT }), { instanceOf: ConfigError });
    t.regex(e!.message, /PORT: expected a whole number from 0 to 65535/, PORT);
    t.notRegex(e!.message, /NaN/, PORT);
  }
});
