/** What a TAP test report (test/run-ava.js writes test-output/ava.tap) says about a test run. */
export type TapTally = {
  passed: number;
  failed: number;
  skipped: number;
  todo: number;
  /** The plan line `1..N`, when present: a report without it was cut short. */
  planned: number | null;
  /** From the `# yiyun-test-report …` header lines; null for a plain TAP stream. */
  startedAt: Date | null;
  commit: string | null;
  exitCode: number | null;
  /** Titles of the failed tests (first 20). */
  failures: string[];
};

const RESULT = /^(ok|not ok)\b(?:\s+\d+)?(?:\s*-\s*)?(.*?)(?:\s+#\s*(SKIP|TODO)\b.*)?$/i;

/**
 * Tallies a TAP 13 stream by its result lines, not by a producer's trailer: ava's `# fail` counts `# TODO`
 * tests as failures, which TAP does not. Result lines inside a YAML diagnostic block are ignored.
 */
export function parseTap(text: string): TapTally {
  const t: TapTally = { passed: 0, failed: 0, skipped: 0, todo: 0, planned: null, startedAt: null, commit: null, exitCode: null, failures: [] };
  let inYaml = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const trimmed = line.trim();
    if (inYaml) {
      if (trimmed === '...') inYaml = false;
      continue;
    }
    if (trimmed === '---' && line.startsWith(' ')) {
      inYaml = true;
      continue;
    }
    const header = /^# yiyun-test-report (started|commit|exit) (\S+)$/.exec(line);
    if (header) {
      if (header[1] === 'started') {
        const d = new Date(header[2]!);
        t.startedAt = Number.isNaN(d.getTime()) ? null : d;
      } else if (header[1] === 'commit') t.commit = /^[0-9a-f]{7,64}$/i.test(header[2]!) ? header[2]! : null;
      else t.exitCode = Number.isInteger(Number(header[2])) ? Number(header[2]) : null;
      continue;
    }
    const plan = /^1\.\.(\d+)/.exec(line);
    if (plan) {
      t.planned = Number(plan[1]);
      continue;
    }
    if (line.startsWith(' ')) continue; // indented: a subtest or diagnostics, not a top-level result
    const m = RESULT.exec(line);
    if (!m) continue;
    const directive = (m[3] ?? '').toUpperCase();
    if (directive === 'SKIP') t.skipped++;
    else if (directive === 'TODO') t.todo++;
    else if (m[1]!.toLowerCase() === 'ok') t.passed++;
    else {
      t.failed++;
      if (t.failures.length < 20) t.failures.push(m[2]!.slice(0, 200));
    }
  }
  return t;
}
