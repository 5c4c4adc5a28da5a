import test from 'ava';
import { DerError, encodeElement, encodeInteger, integerValue, readChildren, readElement, readOnly, TAG_SEQUENCE } from './der';

test('integers encode minimally and decode back', (t) => {
  for (const v of [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x100n, 2n ** 255n, 2n ** 256n - 1n]) {
    const enc = encodeInteger(v);
    t.is(integerValue(readOnly(enc, 0x02)), v);
  }
  t.is(encodeInteger(0x80n).toString('hex'), '02020080');
  t.is(encodeInteger(0x7fn).toString('hex'), '02017f');
});

test('long lengths use the minimal long form', (t) => {
  const el = encodeElement(0x04, Buffer.alloc(200));
  t.is(el.subarray(0, 3).toString('hex'), '0481c8');
  t.is(readElement(el).content.length, 200);
});

test('non-DER encodings are rejected', (t) => {
  const cases = [
    '3080020101020101', // indefinite length
    '0481050000000000', // long form for a short length
    '020200ff'.replace('00ff', '0001'), // non-minimal INTEGER 00 01
    '0201ff', // negative
    '0200', // empty INTEGER
    '300602010102', // truncated
  ];
  for (const hex of cases) {
    t.throws(() => {
      const buf = Buffer.from(hex, 'hex');
      const el = readElement(buf);
      if (el.tag === TAG_SEQUENCE) readChildren(el.content).forEach(integerValue);
      else integerValue(el);
    }, { instanceOf: DerError }, hex);
  }
  t.throws(() => readOnly(Buffer.from('02010100', 'hex'), 0x02), { instanceOf: DerError });
});
