export * from './audit-types';
export * from './audit-chain';
export * from './audit-dal';
export * from './audit-trail';
export * from './signing-key';
import path from 'node:path';
import { moduleFromDir } from '../db';

/** The audit schema's migrations. */
export const auditModule = () => moduleFromDir('audit', 'audit', path.join(__dirname, 'migrations'));
export * from './audit-routes';
