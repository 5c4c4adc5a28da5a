import path from 'node:path';
import { moduleFromDir } from '../../core/db';

export * from './bastion-dal';
export * from './bastion-service';
export * from './bastion-routes';
export * from './ssh-gateway';
export * from './password-rotation';
export * from './password-rotation-routes';
export { validateAsciicast } from './asciicast-fns';

/** The bastion schema's migrations. */
export const bastionModule = () => moduleFromDir('bastion', 'bastion', path.join(__dirname, 'migrations'));
export * from './bastion-access';
export * from './bastion-access-routes';
export * from './cloud-assets';
export { createMacResolver, type MacResolver } from './mac-lookup';
export { ADMIN_ROLES, decideLoginAcl } from './login-acl-fns';
