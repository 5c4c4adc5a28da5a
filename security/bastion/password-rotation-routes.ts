import { z } from 'zod';
import { defineRoute, type RouteDef } from '../../core/http';
import { listOf, pageQuery } from '../../core/http/schemas';
import { passwordJobView } from './bastion-schemas';
import type { PasswordRotation } from './password-rotation';

const tag = 'bastion';

/** Password-change jobs: rotate an account now, list the jobs (scheduled and manual). */
export function passwordRotationRoutes(rot: PasswordRotation): RouteDef[] {
  return [
    defineRoute({ method: 'post', path: '/api/bastion/assets/:id/accounts/:accountId/rotate', tag, summary: "Change an account's password now through its OS type's script", access: 'bastion.manage', audit: 'bastion_account.rotation_requested', params: z.strictObject({ id: z.uuid(), accountId: z.uuid() }), response: passwordJobView, handler: ({ actor, params }) => rot.rotateNow(actor, params.id, params.accountId) }),
    defineRoute({ method: 'get', path: '/api/bastion/password-jobs', tag, summary: 'Password-change jobs and their outcome', access: 'bastion.read', query: z.strictObject({ ...pageQuery, accountId: z.uuid().optional() }), response: listOf(passwordJobView), handler: ({ actor, query }) => rot.listJobs(actor, query) }),
  ];
}
