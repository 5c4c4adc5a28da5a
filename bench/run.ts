/**
 * The benchmark harness behind `npm run bench` (`node --import=tsx bench/run.ts`). Runs every module in `benches`
 * — or only those named on the command line (`npm run bench -- crypto`) — one after another, prints each result as
 * a table and writes it to `bench/results/<name>.json` (git-ignored). `--strict` exits non-zero when a module
 * reports a missed target. To add a benchmark, export a `BenchModule` from `bench/<name>-bench.ts` and list it below.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bastionBench } from './bastion-bench';
import { cloudBench } from './cloud-bench';
import { runComplianceBench } from './compliance-bench';
import { cryptoBench } from './crypto-bench';
import { dbauditBench } from './dbaudit-bench';
import { kmsBench } from './kms-bench';
import { logAuditBench } from './log-audit-bench';
import { planBench } from './plan-bench';
import { startupBench } from './startup-bench';

/** One table cell. `null` prints as a dash (not measured / not applicable). */
export type BenchCell = string | number | boolean | null;

/** What a benchmark module returns. */
export interface BenchReport {
  /** Column order; defaults to the keys of the first row. */
  columns?: string[];
  rows: Array<Record<string, BenchCell>>;
  /** Free-text remarks printed under the table and kept in the JSON (conditions, caveats). */
  notes?: string[];
  /** false when a target was missed; undefined when the module sets no targets. */
  targetsMet?: boolean;
}

/** A named benchmark. `run` must bound all of its loops by time, not by iteration count. */
export interface BenchModule {
  name: string;
  description: string;
  run(): Promise<BenchReport>;
}

const complianceBench: BenchModule = {
  name: 'compliance',
  description: 'Evidence pack: the real checks + pack + zip + verify on a fresh embedded server, and the pack under a synthetic load',
  async run() {
    const rows = await runComplianceBench();
    return {
      rows,
      targetsMet: rows.every((r) => r.withinTarget),
      notes: [
        'real: a fresh PGlite server context with the wired registry (estate plan of both zones included), as `yiyun evidence` does; target runChecks + pack + verify under 30 s',
        'synthetic-load: fake checks (one per expected check key, ~200 KB of files each) and uploads on every manual item; target pack under 30 s',
      ],
    };
  },
};

/** Every benchmark `npm run bench` knows, in run order. */
export const benches: BenchModule[] = [cryptoBench, startupBench, complianceBench, planBench, kmsBench, logAuditBench, cloudBench, dbauditBench, bastionBench];

function formatCell(cell: BenchCell | undefined): string {
  if (cell === null || cell === undefined) return '—';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'NO';
  if (typeof cell === 'number') {
    if (Number.isInteger(cell) || Math.abs(cell) >= 100) return Math.round(cell).toLocaleString('en-US');
    return Math.abs(cell) >= 10 ? cell.toFixed(1) : cell.toFixed(2);
  }
  return cell;
}

/** Renders rows as an aligned text table (text columns left-aligned, numbers right-aligned). */
export function formatTable(report: BenchReport): string {
  const columns = report.columns ?? Object.keys(report.rows[0] ?? {});
  const cells = report.rows.map((row) => columns.map((c) => formatCell(row[c])));
  const numeric = columns.map((c) => report.rows.some((r) => typeof r[c] === 'number'));
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  const widths = columns.map((c, i) => Math.max(width(c), ...cells.map((r) => width(r[i]!))));
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - width(s));
    return numeric[i] ? fill + s : s + fill;
  };
  const lines = [columns.map(pad).join('  '), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of cells) lines.push(r.map(pad).join('  '));
  return lines.join('\n');
}

function host() {
  const cpus = os.cpus();
  return {
    node: process.version,
    openssl: process.versions.openssl,
    platform: `${os.platform()} ${os.release()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

async function main(argv: string[]): Promise<number> {
  const strict = argv.includes('--strict');
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !benches.some((b) => b.name === n));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`);
    return 2;
  }
  const selected = names.length > 0 ? benches.filter((b) => names.includes(b.name)) : benches;
  const resultsDir = path.join(__dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  let failed = false;
  for (const bench of selected) {
    console.log(`\n== ${bench.name}: ${bench.description}`);
    const startedAt = new Date();
    const hostBefore = host();
    let report: BenchReport;
    try {
      report = await bench.run();
    } catch (e) {
      console.error(`${bench.name} failed:`, e);
      failed = true;
      continue;
    }
    const durationMs = Math.round(Date.now() - startedAt.getTime());
    console.log(formatTable(report));
    for (const note of report.notes ?? []) console.log(`  · ${note}`);
    if (report.targetsMet === false) console.log('  ! at least one target was missed');
    const file = path.join(resultsDir, `${bench.name}.json`);
    const body = { name: bench.name, description: bench.description, startedAt: startedAt.toISOString(), durationMs, host: hostBefore, ...report };
    writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
    console.log(`  → ${path.relative(process.cwd(), file)} (${(durationMs / 1000).toFixed(1)} s)`);
    if (report.targetsMet === false && strict) failed = true;
  }
  return failed ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
