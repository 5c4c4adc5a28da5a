import test from 'ava';
import fc from 'fast-check';
import { backupName, chainsOf, cinderTime, isPolicyBackup, namedPolicies, nextIsIncremental, prunePlan, type BackupFacts, type BackupPolicy } from './backup-fns';

const NOW = new Date('2026-11-26T01:00:00Z');
const DAILY: BackupPolicy = { name: 'daily', kind: 'incremental', schedule: '0 1 * * *', retentionDays: 30 };

test('names: policy, volume id and UTC time; a policy never claims another’s backups by prefix', (t) => {
  const n = backupName('daily', 'vol-1', NOW);
  t.is(n, 'yiyun-daily-vol-1-20261126T010000Z');
  t.true(isPolicyBackup('daily', { name: n, volume_id: 'vol-1' }));
  t.false(isPolicyBackup('daily', { name: backupName('daily-incremental', 'vol-1', NOW), volume_id: 'vol-1' }));
  t.false(isPolicyBackup('daily', { name: n, volume_id: 'vol-2' }));
  t.deepEqual(namedPolicies({ 'yiyun.backup-policy': 'daily, weekly-full,' }), ['daily', 'weekly-full']);
  t.is(cinderTime('2026-11-26T01:00:00.000000'), NOW.getTime());
  t.false(nextIsIncremental({ ...DAILY, kind: 'full' }, [{ id: 'f', status: 'available', is_incremental: false }]));
  t.false(nextIsIncremental(DAILY, [{ id: 'i', status: 'available', is_incremental: true }, { id: 'f', status: 'error', is_incremental: false }]));
  t.true(nextIsIncremental(DAILY, [{ id: 'f', status: 'available', is_incremental: false }]));
});

const backupArb = fc.record({
  daysAgo: fc.integer({ min: 0, max: 120 }),
  incremental: fc.boolean(),
  ours: fc.boolean(),
  status: fc.constantFrom('available', 'available', 'available', 'error', 'creating'),
});

test('property: pruning deletes only this policy’s expired backups, newest first, and never a base a kept backup chains onto', (t) => {
  fc.assert(
    fc.property(fc.array(backupArb, { maxLength: 25 }), (specs) => {
      const backups: BackupFacts[] = specs.map((s, i) => {
        const at = new Date(NOW.getTime() - s.daysAgo * 86_400_000 - i * 1000);
        return { id: `b${i}`, volume_id: 'vol-1', name: backupName(s.ours ? 'daily' : 'weekly', 'vol-1', at), status: s.status, is_incremental: s.incremental, created_at: at.toISOString().replace('Z', '') };
      });
      const plan = prunePlan(DAILY, backups, NOW);
      const deleted = new Set(plan.flat().map((b) => b.id));
      const cutoff = NOW.getTime() - DAILY.retentionDays * 86_400_000;
      for (const b of plan.flat()) {
        if (!isPolicyBackup('daily', b) || !(cinderTime(b.created_at) < cutoff)) return false;
      }
      for (const run of plan) {
        for (let i = 1; i < run.length; i++) if (cinderTime(run[i]!.created_at) > cinderTime(run[i - 1]!.created_at)) return false;
      }
      for (const chain of chainsOf(backups)) {
        // once a member is kept, every older member of its chain is kept
        let keptLater = false;
        for (let i = chain.length - 1; i >= 0; i--) {
          if (deleted.has(chain[i]!.id) && keptLater) return false;
          if (!deleted.has(chain[i]!.id)) keptLater = true;
        }
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass();
});
