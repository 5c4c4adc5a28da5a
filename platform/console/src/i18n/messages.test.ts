import test from 'ava';
import englishMessages from 'ra-language-english';
import { en } from './en';
import { raChineseMessages } from './ra-zh-CN';
import { zhCN } from './zh-CN';

type Tree = { [key: string]: string | Tree };

/** Every leaf of a message tree as `path → text`. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(path, v);
    else for (const [p, t] of leaves(v, path)) out.set(p, t);
  }
  return out;
}

const placeholders = (text: string) => [...new Set([...text.matchAll(/%\{(\w+)\}/g)].map((m) => m[1]))].sort();

function sameShape(t: import('ava').ExecutionContext, reference: Map<string, string>, translated: Map<string, string>) {
  const missing = [...reference.keys()].filter((k) => !translated.has(k));
  const extra = [...translated.keys()].filter((k) => !reference.has(k));
  t.deepEqual(missing, [], 'keys missing from the translation');
  t.deepEqual(extra, [], 'keys the reference does not have');
  for (const [k, ref] of reference) {
    const tr = translated.get(k);
    if (tr === undefined) continue;
    // react-admin's `null` boolean label is a deliberate blank.
    if (k !== 'ra.boolean.null') t.true(tr.trim().length > 0, `${k} is empty`);
    t.deepEqual(placeholders(tr), placeholders(ref), `${k} keeps the placeholders of the reference`);
    t.is(tr.includes('||||'), ref.includes('||||'), `${k} keeps the plural forms`);
  }
}

test('react-admin messages: zh-CN has exactly the keys and placeholders of ra-language-english', (t) => {
  sameShape(t, leaves(englishMessages as unknown as Tree), leaves(raChineseMessages as unknown as Tree));
});

test('console messages: zh-CN and en have the same keys and placeholders', (t) => {
  sameShape(t, leaves(en as unknown as Tree), leaves(zhCN as unknown as Tree));
});

test('every role of the API has a Chinese name', (t) => {
  t.is(zhCN.yiyun.roles.sysadmin, '系统管理员');
  t.is(zhCN.yiyun.roles.auditadmin, '审计管理员');
  t.is(zhCN.yiyun.roles.secadmin, '安全管理员');
});
