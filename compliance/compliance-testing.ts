/**
 * Fakes for the compliance room's own tests: example evidence sources standing in for identity, the audit trail and
 * the estate (the real ones are written in those rooms and registered by platform/server), a recording audit trail
 * and actors. Not imported by production code.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../core/audit';
import type { Actor, Permission } from '../core/authz';
import { csvFile, jsonFile, type EvidenceSource } from './evidence-source';

export type FakeWorld = {
  passwordPolicy: { minLength: number; classes: number; maxAgeDays: number };
  chainOk: boolean;
  zones: string[];
  failEstate: boolean;
};

export function fakeWorld(): FakeWorld {
  return { passwordPolicy: { minLength: 12, classes: 3, maxAgeDays: 90 }, chainOk: true, zones: ['dmz', 'internet', 'mgmt'], failEstate: false };
}

/** Identity's password-policy check as identity would write it against the port. */
export function fakeIdentitySource(w: FakeWorld): EvidenceSource {
  return {
    id: 'identity',
    room: 'platform/identity',
    checks: [
      {
        key: 'identity.password-policy',
        title: '口令复杂度与更换周期',
        itemIds: ['L3-CES1-01'],
        kind: 'automated',
        async run() {
          const p = w.passwordPolicy;
          const ok = p.minLength >= 8 && p.classes >= 3 && p.maxAgeDays <= 90;
          return {
            verdict: ok ? 'pass' : 'fail',
            summary: ok ? `口令至少 ${p.minLength} 位、${p.classes} 类字符、${p.maxAgeDays} 天更换` : `口令策略过弱：至少 ${p.minLength} 位、${p.classes} 类字符`,
            evidence: { policy: { ...p } },
            files: [jsonFile('password-policy.json', p)],
          };
        },
      },
    ],
  };
}

export function fakeAuditSource(w: FakeWorld): EvidenceSource {
  return {
    id: 'audit',
    room: 'core/audit',
    checks: [
      {
        key: 'audit.chain-verifies',
        title: '审计链 SM3 哈希链与 SM2 检查点校验',
        itemIds: ['L3-CES1-14', 'MP-DC-05'],
        kind: 'automated',
        async run() {
          return w.chainOk
            ? { verdict: 'pass', summary: '审计链完整，1024 条记录，8 个签名检查点', evidence: { records: 1024, checkpoints: 8 }, objects: [{ name: '审计链', d: 1, a: 1, k: 1 }] }
            : { verdict: 'fail', summary: '记录 17 被篡改', evidence: { firstBad: 17 }, risk: 'high' as const, objects: [{ name: '审计链', d: 0, a: 1, k: 1 }] };
        },
      },
    ],
  };
}

export function fakeEstateSource(w: FakeWorld): EvidenceSource {
  return {
    id: 'estate',
    room: 'infra',
    checks: [
      {
        key: 'estate.zones',
        title: '网络区域划分与网闸隔离',
        itemIds: ['L3-CNS1-03', 'L3-CNS1-04'],
        kind: 'automated',
        async run() {
          if (w.failEstate) throw new Error('plan could not be computed');
          return {
            verdict: w.zones.includes('mgmt') ? 'pass' : 'partial',
            summary: `区域：${w.zones.join('、')}`,
            evidence: { zones: w.zones },
            files: [csvFile('security-groups.csv', [['zone', 'rule'], ['dmz', 'deny all inbound'], ['internet', '允许 443']])],
          };
        },
      },
    ],
  };
}

export function fakeSources(w: FakeWorld): EvidenceSource[] {
  return [fakeIdentitySource(w), fakeAuditSource(w), fakeEstateSource(w)];
}

/** An audit trail that remembers what it was given. */
export function recordingAudit() {
  const entries: AuditEntry[] = [];
  return {
    entries,
    async record(entry: AuditEntry) {
      entries.push(entry);
      return { seq: entries.length, hash: 'x' };
    },
  };
}

export function actor(role: 'secadmin' | 'assessor' | 'tenant-admin', tenantId: string | null = null): Actor {
  const perms: Record<string, Permission[]> = {
    secadmin: ['compliance.read', 'compliance.manual_verdict', 'compliance.run', 'compliance.export'],
    assessor: ['compliance.read', 'compliance.export', 'compliance.assess'],
    'tenant-admin': ['compliance.read', 'compliance.manual_verdict'],
  };
  return {
    kind: 'account',
    accountId: randomUUID(),
    loginId: `${role}-1`,
    roles: [role],
    tenantId,
    permissions: new Set(perms[role]),
    sourceIp: '127.0.0.1',
    via: 'internal',
    pending: null,
  };
}
