import path from 'node:path';
import { moduleFromDir } from '../../core/db';

export * from './tenants-schemas';
export * from './tenants-dal';
export * from './tenants-service';
export * from './tenants-routes';

/** The tenants schema's migrations. */
export const tenantsModule = () => moduleFromDir('tenants', 'tenants', path.join(__dirname, 'migrations'));
