import path from 'node:path';
import { moduleFromDir } from '../../core/db';

export * from './kms/kms-keyring';
export * from './kms/kms-dal';
export * from './kms/kms-usage';
export * from './kms/kms-service';
export * from './kms/kms-routes';
export * from './kms/kms-fns';
export * from './ca/ca-dal';
export * from './ca/ca-service';
export * from './ca/ca-routes';
export * from './signing/signing-service';
export * from './signing/signing-routes';
export * from './signing/signing-fns';
export * from './ferry/ferry-dal';
export * from './ferry/ferry-fns';
export * from './ferry/ferry-service';
export * from './ferry/ferry-routes';
export * from './ferry/ferry-command';
export * from './inventory/inventory-service';

/** The crypto schema's migrations (KMS, CA, ferry). */
export const cryptoModule = () => moduleFromDir('crypto', 'crypto', path.join(__dirname, 'migrations'));
