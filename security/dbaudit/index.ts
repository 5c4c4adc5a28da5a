import path from 'node:path';
import { moduleFromDir } from '../../core/db';

export * from './dbaudit-service';
export * from './dbaudit-routes';
export * from './pg-proxy';
export * from './detection-fns';

/** The dbaudit schema's migrations. */
export const dbauditModule = () => moduleFromDir('dbaudit', 'dbaudit', path.join(__dirname, 'migrations'));
export * from './mysql-proxy';
export * from './routine-learner';
export * from './dbaudit-schemas';
