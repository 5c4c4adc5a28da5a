import path from 'node:path';
import { moduleFromDir } from '../../core/db';

export * from './identity-roles';
export * from './identity-dal';
export * from './account-service';
export * from './auth-service';
export * from './auth-cache';
export * from './identity-routes';
export * from './identity-evidence';
export { mfaRequiredFor, secondFactorOf, type SecondFactor } from './identity-fns';

/** The identity schema's migrations. */
export const identityModule = () => moduleFromDir('identity', 'identity', path.join(__dirname, 'migrations'));
