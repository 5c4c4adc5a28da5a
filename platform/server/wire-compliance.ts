import path from 'node:path';
import {
  allCatalogues,
  complianceModule,
  createComplianceRoutes,
  createComplianceService,
  createEvidenceRegistry,
  type EvidenceSource,
} from '../../compliance';
import { createCheckScheduler } from '../../compliance/checks/check-scheduler';
import { selfEvidenceSource } from '../../compliance/sources/self-evidence';
import { systemActor } from '../../core/authz';
import { createIdentityDal, identityEvidenceSource } from '../identity';
import { auditEvidenceSource } from './audit-evidence';
import { auditEvidenceDeps } from './audit-evidence-deps';
import { estateEvidenceSource, planInChildProcess } from './estate-evidence';
import type { RoomWiring } from './room';
import { VERSION } from './version';

/** Where the project's own test and benchmark reports land (the seed's software-testing item). */
const REPO_ROOT = path.resolve(__dirname, '../..');

export const REPORT_DIRS = [path.resolve(__dirname, '../../test-output'), path.resolve(__dirname, '../../bench/results')];

/**
 * The compliance room. It is built last: every room before it may expose an `EvidenceSource` as
 * `exports.evidence`, and this wiring registers them all beside identity's, the audit trail's and its own.
 */
export const complianceWiring: RoomWiring = {
  name: 'compliance',
  modules: [complianceModule()],
  build(base) {
    const registry = createEvidenceRegistry(new Set(allCatalogues().flatMap((c) => c.items.map((i) => i.id))));
    registry.register(identityEvidenceSource({ accounts: base.accounts, dal: createIdentityDal(base.db) }));
    registry.register(auditEvidenceSource(auditEvidenceDeps(base)));
    registry.register(selfEvidenceSource({ reportsDirs: REPORT_DIRS }));
    registry.register(estateEvidenceSource(planInChildProcess(REPO_ROOT)));
    for (const room of base.rooms.values()) {
      const evidence = room.exports?.evidence as EvidenceSource | EvidenceSource[] | undefined;
      for (const source of evidence ? ([] as EvidenceSource[]).concat(evidence) : []) registry.register(source);
    }
    // Generous per-check budget: the estate check plans both zones (tens of seconds on a busy host).
    const service = createComplianceService({ db: base.db, audit: base.audit, registry, checkTimeoutMs: 180_000, logger: base.logger });
    const pack = {
      signer: base.signer,
      reportsDirs: REPORT_DIRS,
      productVersion: VERSION,
      // The pack's per-tenant sections carry the tenant's name; the compliance room never reads the tenants table.
      tenantNames: async (ids: string[]) => new Map((await base.tenants.directory(ids)).map((t) => [t.id, `${t.name}（${t.code}）`])),
    };
    const settings = base.settings;
    // Started by `yiyun serve` (and `yiyun run compliance`) only: CLI commands build the context without starting it.
    const scheduler = createCheckScheduler({
      run: (trigger) => service.runChecks(systemActor(`compliance-${trigger}`), { trigger }),
      logger: base.logger,
      onStart: settings.YIYUN_COMPLIANCE_ON_START,
      intervalMs: settings.YIYUN_COMPLIANCE_INTERVAL,
    });
    return {
      routes: createComplianceRoutes({ service, pack, exportMaxAgeMs: settings.YIYUN_COMPLIANCE_EXPORT_MAX_AGE }),
      start: async () => scheduler.start(),
      stop: () => scheduler.stop(),
      exports: { service, pack, scheduler, exportMaxAgeMs: settings.YIYUN_COMPLIANCE_EXPORT_MAX_AGE },
    };
  },
};
