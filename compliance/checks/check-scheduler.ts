import type { Logger } from '../../core/log';
import { RunInProgressError, type RunSummary, type RunTrigger } from '../compliance-service';

export type CheckSchedulerDeps = {
  /** Starts (or joins) a run; the service holds the single-flight guard, in this process and across processes. */
  run(trigger: Extract<RunTrigger, 'startup' | 'schedule'>): Promise<RunSummary>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Run once when started. */
  onStart: boolean;
  /** Milliseconds between scheduled runs; 0 = no schedule. */
  intervalMs: number;
};

/**
 * Keeps the compliance results current without anyone clicking: one run in the background at start-up (never
 * delaying readiness) and one every interval. A failed run is logged, never thrown: the next tick tries again.
 */
export function createCheckScheduler(deps: CheckSchedulerDeps) {
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let stopped = false;

  function fire(trigger: 'startup' | 'schedule'): void {
    if (current) return; // this process already has one underway; the service would join it anyway
    const started = Date.now();
    current = deps
      .run(trigger)
      .then(
        (r) => deps.logger.info({ trigger, runId: r.runId, checks: r.checks, failedChecks: r.failedChecks, dengbao: r.dengbaoScore, miping: r.mipingScore, ms: Date.now() - started }, 'compliance checks ran'),
        (err: unknown) => {
          if (err instanceof RunInProgressError) deps.logger.info({ trigger }, 'compliance checks skipped: another process is running them');
          else deps.logger.error({ err, trigger }, 'compliance check run failed');
        },
      )
      .finally(() => {
        current = null;
      });
  }

  return {
    start(): void {
      // The interval starts only after the start run was fired: on a busy loop a short interval could otherwise
      // tick before the deferred start run, and the first run would be labelled a scheduled one.
      setImmediate(() => {
        if (deps.onStart) fire('startup');
        if (deps.intervalMs > 0 && !stopped) {
          timer = setInterval(() => fire('schedule'), deps.intervalMs);
          timer.unref(); // never keeps a CLI process alive
        }
      });
    },
    /** Stops the schedule and waits (up to `graceMs`) for a run underway, so the database is not closed under it. */
    async stop(graceMs = 5_000): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      if (current) {
        let t: NodeJS.Timeout | undefined;
        await Promise.race([current, new Promise<void>((r) => (t = setTimeout(r, graceMs)))]);
        if (t) clearTimeout(t);
      }
    },
    /** The run underway, if any (tests wait on it). */
    get running(): Promise<void> | null {
      return current;
    },
  };
}

export type CheckScheduler = ReturnType<typeof createCheckScheduler>;
