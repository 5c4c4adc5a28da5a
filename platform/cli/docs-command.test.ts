import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { permissionsMarkdown } from './docs-command';

test('docs/permissions.md is what the code declares (regenerate with `yiyun docs permissions > docs/permissions.md`)', async (t) => {
  const generated = await permissionsMarkdown();
  const committed = readFileSync(path.resolve(__dirname, '../../docs/permissions.md'), 'utf8');
  t.is(committed, generated);
  t.regex(generated, /\| POST \| `\/api\/tenants` \| tenant\.manage \| tenant\.created \| sysadmin \|/);
});
