import path from 'node:path';
import { moduleFromDir } from '../../core/db';

export * from './cloud-schemas';
export * from './cloud-service';
export * from './cloud-routes';
export type { CloudDriver, RegionSeed } from './driver/cloud-driver';
export type { DataKeyEraser } from './cloud-core';

/** The cloud schema's migrations. */
export const cloudModule = () => moduleFromDir('cloud', 'cloud', path.join(__dirname, 'migrations'));
