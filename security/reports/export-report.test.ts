import test from 'ava';
import { systemActor } from '../../core/authz';
import type { AuditEntry } from '../../core/audit';
import { sm3Hex } from '../../core/crypto';
import { exportReport } from './export-report';
import { sampleReport } from './report-testing';

test('an export is recorded with the report, format, file name, filter, row count, size and the SM3 of the very bytes', async (t) => {
  const recorded: AuditEntry[] = [];
  const audit = { record: async (e: AuditEntry) => (recorded.push(e), { seq: recorded.length, hash: '' }) };
  const actor = { ...systemActor('report-test', ['bastion.session_read']), loginId: 'aud.reader' };
  const m = sampleReport();
  const out = await exportReport({ audit }, actor, { action: 'sample_report.exported', targetType: 'sample_report', report: 'users' }, m, 'html');
  t.is(recorded.length, 1);
  const e = recorded[0]!;
  t.is(e.action, 'sample_report.exported');
  t.deepEqual(e.target, { type: 'sample_report', id: 'users' });
  t.is(e.actor.loginId, 'aud.reader');
  t.deepEqual(e.detail, { report: 'users', format: 'html', filename: `${m.name}.html`, filter: Object.fromEntries(m.filters), rows: m.rows.length, bytes: out.body.length, sm3: sm3Hex(out.body) });
});
