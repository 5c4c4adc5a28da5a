import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { jsonFile, type EvidenceSource } from '../evidence-source';
import { parseTap, type TapTally } from './tap-report';

/** The plain closing line of a test run: `N passed, N failed` (optionally `, N skipped`). */
const TALLY = /(\d+)\s+(?:tests?\s+)?passed(?:,\s*(\d+)\s+(?:tests?\s+)?failed)?/i;

type ReportSummary = { dir: string; file: string; bytes: number; mtime: Date; passed: number | null; failed: number | null };

async function summarise(dir: string): Promise<ReportSummary[]> {
  const out: ReportSummary[] = [];
  async function walk(d: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) await walk(abs);
      else if (e.isFile()) {
        const st = await stat(abs);
        let passed: number | null = null;
        let failed: number | null = null;
        if (st.size < 8 * 1024 * 1024 && /\.(txt|log|json|md)$/i.test(e.name)) {
          const m = TALLY.exec(await readFile(abs, 'utf8'));
          if (m) {
            passed = Number(m[1]);
            failed = m[2] === undefined ? 0 : Number(m[2]);
          }
        }
        out.push({ dir, file: path.relative(dir, abs), bytes: st.size, mtime: st.mtime, passed, failed });
      }
    }
  }
  await walk(dir);
  return out;
}

type TapReport = TapTally & { file: string; at: Date };

/** The TAP reports among the files already walked, newest first. */
async function tapReports(files: ReportSummary[]): Promise<TapReport[]> {
  const out: TapReport[] = [];
  for (const r of files) {
    if (!/\.tap$/i.test(r.file) || r.bytes > 64 * 1024 * 1024) continue;
    const tally = parseTap(await readFile(path.join(r.dir, r.file), 'utf8'));
    out.push({ ...tally, file: r.file, at: tally.startedAt ?? r.mtime });
  }
  return out.sort((a, b) => b.at.getTime() - a.at.getTime());
}

const DAY_MS = 86_400_000;

/**
 * The compliance room's own evidence: the project's test and benchmark reports (the seed's software-testing item).
 * The verdict rests on the newest TAP report (`npm test` writes test-output/ava.tap): 符合 only when it is recent
 * (within `maxAgeDays`, 30 by default), ran at least one test, and none failed (nor did the run exit non-zero);
 * 不符合 when it shows failures or no report exists at all; 部分符合 when the newest all-pass report is old, ran
 * nothing, or only other reports (benchmarks) exist. The reports themselves go into the pack's reports/.
 */
export function selfEvidenceSource(opts: { reportsDirs: string[]; maxAgeDays?: number }): EvidenceSource {
  const maxAgeDays = opts.maxAgeDays ?? 30;
  return {
    id: 'compliance',
    room: 'compliance',
    checks: [
      {
        key: 'compliance.test-reports',
        title: '项目测试与基准报告',
        itemIds: ['L3-CES1-20', 'L3-CMS1-15', 'L3-CMS1-16', 'L3-CMS1-24', 'L3-CMS1-25'],
        kind: 'partial',
        async run({ now }) {
          const files = (await Promise.all(opts.reportsDirs.map(summarise))).flat();
          const taps = await tapReports(files);
          const reports = files.map(({ file, bytes, passed, failed }) => ({ file, bytes, passed, failed }));
          const latest = taps[0] ?? null;
          const ageDays = latest ? (now.getTime() - latest.at.getTime()) / DAY_MS : null;
          let verdict: 'pass' | 'partial' | 'fail';
          let summary: string;
          if (!latest) {
            verdict = reports.length === 0 ? 'fail' : 'partial';
            summary = reports.length === 0 ? '未找到测试或基准报告' : `未找到 TAP 测试报告（npm test 生成 test-output/ava.tap），仅有 ${reports.length} 个其他报告文件`;
          } else if (latest.failed > 0 || (latest.exitCode !== null && latest.exitCode !== 0)) {
            verdict = 'fail';
            summary = `最近一次测试（${latest.at.toISOString()}）${latest.failed} 项失败${latest.exitCode ? `，退出码 ${latest.exitCode}` : ''}`;
          } else if (latest.passed === 0) {
            verdict = 'partial';
            summary = `最近一次测试报告（${latest.at.toISOString()}）没有运行任何测试`;
          } else if (ageDays! > maxAgeDays) {
            verdict = 'partial';
            summary = `最近一次全部通过的测试报告已有 ${Math.floor(ageDays!)} 天（超过 ${maxAgeDays} 天），需重新运行 npm test`;
          } else {
            verdict = 'pass';
            summary = `${latest.passed} 项测试通过，0 项失败，${latest.skipped} 项跳过（${latest.at.toISOString()}${latest.commit ? `，提交 ${latest.commit.slice(0, 12)}` : ''}）`;
          }
          const tally = latest
            ? { file: latest.file, at: latest.at.toISOString(), commit: latest.commit, passed: latest.passed, failed: latest.failed, skipped: latest.skipped, todo: latest.todo, planned: latest.planned, exitCode: latest.exitCode, failures: latest.failures }
            : null;
          return { verdict, summary, evidence: { latestTestReport: tally, maxAgeDays, reports }, files: [jsonFile('test-reports.json', { latestTestReport: tally, reports })] };
        },
      },
    ],
  };
}
