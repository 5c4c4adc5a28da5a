// `yiyun:grade` (Pulumi.yaml): the platform's filed 等保 grade, and the per-app `grade` a stack may file otherwise.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { policyContextOf } from '../plan/policy-context';
import { appConfigSchema } from './config-schema';
import { readEstateConfig } from './load-config';

const root = path.resolve(__dirname, '../..');

/** readEstateConfig of the dev stack on a copy of the project whose Pulumi.yaml `grade` block is `block`. */
function withGrade(block: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yiyun-grade-'));
  try {
    const text = readFileSync(path.join(root, 'Pulumi.yaml'), 'utf8');
    const edited = text.replace(/^ {2}grade:\n {4}value: \d+\n/m, block);
    if (edited === text) throw new Error('Pulumi.yaml has no grade block');
    writeFileSync(path.join(dir, 'Pulumi.yaml'), edited);
    copyFileSync(path.join(root, 'Pulumi.dev.yaml'), path.join(dir, 'Pulumi.dev.yaml'));
    return readEstateConfig(dir, 'dev');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the platform is filed at level 3 and the policies receive it; absent it defaults to 3; 5 is refused', (t) => {
  const cfg = readEstateConfig(root, 'liangcheng-dmz');
  t.is(cfg.grade, 3);
  t.is(policyContextOf(cfg).platformGrade, 3);
  t.is(withGrade('  grade:\n    value: 2\n').grade, 2);
  t.is(withGrade('').grade, 3);
  t.throws(() => withGrade('  grade:\n    value: 5\n'), { message: /yiyun:grade/ });
});

test('a stack may file an app at another grade, within 1–4', (t) => {
  t.is(appConfigSchema.parse({ id: 'his', images: {}, grade: 4 }).grade, 4);
  t.is(appConfigSchema.parse({ id: 'his', images: {} }).grade, undefined);
  t.false(appConfigSchema.safeParse({ id: 'his', images: {}, grade: 0 }).success);
});
