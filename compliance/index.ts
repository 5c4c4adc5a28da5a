import path from 'node:path';
import { moduleFromDir } from '../core/db';

export * from './verdict';
export * from './evidence-source';
export * from './catalogues';
export * from './checks/check-runner';
export * from './scoring/scoring-templates';
export * from './scoring/scoring-fns';
export * from './compliance-fns';
export * from './compliance-schemas';
export * from './compliance-dal';
export * from './compliance-service';
export * from './compliance-routes';
export { generateEvidencePack, verifyEvidencePack, PACK_PATHS, type EvidencePackDeps, type PackOptions, type PackProgress, type PackResult } from './pack/evidence-pack';
export type { PackSigner, VerifyResult } from './pack/pack-manifest';

/** The compliance schema's migrations. */
export const complianceModule = () => moduleFromDir('compliance', 'compliance', path.join(__dirname, 'migrations'));
