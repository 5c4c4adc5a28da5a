import test from 'ava';
import { Writable } from 'node:stream';
import { createLogger, maskUrl } from './log';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

test('passwords, tokens, OTPs and keys are redacted at any depth', (t) => {
  const { lines, stream } = capture();
  const log = createLogger({ level: 'info' }, stream);
  log.info({ password: 'hunter2', body: { otp: '123456', newPassword: 'S3cret!xx' }, a: { b: { token: 'tok' } } }, 'login');
  log.info({ req: { headers: { authorization: 'Bearer abc', cookie: 'yiyun_session=xyz' } } }, 'req');
  const out = lines.join('');
  for (const secret of ['hunter2', '123456', 'S3cret!xx', 'tok"', 'Bearer abc', 'xyz']) t.false(out.includes(secret), secret);
  t.true(out.includes('[redacted]'));
});

test('maskUrl hides the password of a connection string', (t) => {
  t.is(maskUrl('postgres://u:pw@127.0.0.1:5432/db'), 'postgres://u:***@127.0.0.1:5432/db');
  t.is(maskUrl('not a url'), '[unparseable url]');
});
