import test from 'ava';
import { parseCast } from './asciicast';

test('asciicast v2: output and resize events in order, input left out, long pauses shortened', (t) => {
  const cast = parseCast(['{"version":2,"width":100,"height":30}', '[0.5,"o","$ "]', '[1.0,"i","ls\\r"]', '[1.1,"o","ls\\r\\n"]', '[11.1,"o","a b\\r\\n"]', '[11.2,"r","120x40"]', ''].join('\n'));
  t.is(cast.width, 100);
  t.is(cast.height, 30);
  t.deepEqual(cast.frames.map((f) => f.kind), ['o', 'o', 'o', 'r']);
  t.is(Math.round(cast.frames[2]!.at * 1000) / 1000, 3.1);
  t.is(cast.frames[3]!.data, '120x40');
  t.is(cast.duration, cast.frames[3]!.at);
});

test('asciicast: anything but version 2 is refused', (t) => {
  t.throws(() => parseCast('{"version":1,"width":80,"height":24}\n'), { message: /asciicast v2/ });
});
