import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { jsonFile, type EvidenceSource } from '../evidence-source';

/** The plain closing line of a test run: `N passed, N failed` (optionally `, N skipped`). */
const TALLY = /(\d+)\s+(?:tests?\s+)?passed(?:,\s*(\d+)\s+(?:tests?\s+)?failed)?/i;

type ReportSummary = { file: string; bytes: number; passed: number | null; failed: number | null };

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
        out.push({ file: path.relative(dir, abs), bytes: st.size, passed, failed });
      }
    }
  }
  await walk(dir);
  return out;
}

/**
 * The compliance room's own evidence: the project's test and benchmark reports (the seed's software-testing item).
 * 符合 when a report with a test tally shows no failure; 部分符合 when reports exist but none has a tally;
 * 不符合 when a report shows failures or no report exists. The reports themselves go into the pack's reports/.
 */
export function selfEvidenceSource(opts: { reportsDirs: string[] }): EvidenceSource {
  return {
    id: 'compliance',
    room: 'compliance',
    checks: [
      {
        key: 'compliance.test-reports',
        title: '项目测试与基准报告',
        itemIds: ['L3-CES1-20', 'L3-CMS1-15', 'L3-CMS1-16', 'L3-CMS1-24', 'L3-CMS1-25'],
        kind: 'partial',
        async run() {
          const reports = (await Promise.all(opts.reportsDirs.map(summarise))).flat();
          const tallied = reports.filter((r) => r.passed !== null);
          const failed = tallied.reduce((n, r) => n + (r.failed ?? 0), 0);
          const passed = tallied.reduce((n, r) => n + (r.passed ?? 0), 0);
          const verdict = reports.length === 0 || failed > 0 ? 'fail' : tallied.length === 0 ? 'partial' : 'pass';
          const summary =
            reports.length === 0 ? '未找到测试或基准报告' : failed > 0 ? `测试报告中有 ${failed} 项失败` : tallied.length === 0 ? `${reports.length} 个报告文件，无测试统计` : `${passed} 项测试通过，0 项失败（${reports.length} 个报告文件）`;
          return { verdict, summary, evidence: { reports, passed, failed }, files: [jsonFile('test-reports.json', reports)] };
        },
      },
    ],
  };
}
