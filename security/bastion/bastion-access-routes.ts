import { z } from 'zod';
import { defineRoute, type RouteDef } from '../../core/http';
import { idParams, listOf, optionalText, text } from '../../core/http/schemas';
import type { BastionAccess } from './bastion-access';
import type { CloudAssetSync } from './cloud-assets';

const tag = 'bastion';

export const keyInput = z.strictObject({ name: text(100), publicKey: z.string().trim().min(20).max(16_384) });
export const keyView = z.object({ id: z.string(), loginId: z.string(), name: z.string(), algorithm: z.string(), fingerprint: z.string(), publicKey: z.string(), lastUsedAt: z.date().nullable(), createdAt: z.date() });
export const adminSourceInput = z.strictObject({ cidr: text(64), note: optionalText(200) });
export const adminSourceView = z.object({ id: z.string(), cidr: z.string(), note: z.string().nullable(), createdBy: z.string(), createdAt: z.date() });
export const macRuleInput = z.strictObject({
  name: text(100),
  logins: z.array(text(254)).max(500).default([]),
  roles: z.array(text(64)).max(50).default([]),
  sourceCidrs: z.array(text(64)).max(200).default([]),
  macs: z.array(text(32)).min(1).max(2000),
  enabled: z.boolean().default(true),
});
export const macRuleView = z.object({ id: z.string(), name: z.string(), logins: z.array(z.string()), roles: z.array(z.string()), sourceCidrs: z.array(z.string()), macs: z.array(z.string()), enabled: z.boolean(), createdBy: z.string(), createdAt: z.date() });

/** Operators' own SSH keys, every operator's keys for security administrators, admin source ranges and MAC rules. */
export function bastionAccessRoutes(svc: BastionAccess): RouteDef[] {
  return [
    defineRoute({ method: 'get', path: '/api/bastion/profile/keys', tag, summary: 'My SSH public keys for the bastion', access: 'authenticated', response: listOf(keyView), handler: ({ actor }) => svc.listMyKeys(actor) }),
    defineRoute({ method: 'post', path: '/api/bastion/profile/keys', tag, summary: 'Register an SSH public key (the gateway still asks for the second factor)', access: 'authenticated', audit: 'bastion_key.registered', body: keyInput, response: keyView, status: 201, handler: ({ actor, body }) => svc.registerKey(actor, body) }),
    defineRoute({ method: 'delete', path: '/api/bastion/profile/keys/:id', tag, summary: 'Remove one of my SSH public keys', access: 'authenticated', audit: 'bastion_key.removed', params: idParams, status: 204, handler: ({ actor, params }) => svc.removeMyKey(actor, params.id) }),
    defineRoute({ method: 'get', path: '/api/bastion/operator-keys', tag, summary: "List operators' SSH public keys", access: 'bastion.read', query: z.strictObject({ loginId: optionalText(254) }), response: listOf(keyView), handler: ({ actor, query }) => svc.listAllKeys(actor, query) }),
    defineRoute({ method: 'delete', path: '/api/bastion/operator-keys/:id', tag, summary: "Revoke an operator's SSH public key", access: 'bastion.acl_manage', audit: 'bastion_key.removed', params: idParams, status: 204, handler: ({ actor, params }) => svc.revokeKey(actor, params.id) }),
    defineRoute({ method: 'get', path: '/api/bastion/admin-sources', tag, summary: 'List the address ranges administrators may log in from', access: 'bastion.read', response: listOf(adminSourceView), handler: ({ actor }) => svc.listAdminSources(actor) }),
    defineRoute({ method: 'post', path: '/api/bastion/admin-sources', tag, summary: 'Declare an address range administrators may log in from', access: 'bastion.acl_manage', audit: 'bastion_admin_source.added', body: adminSourceInput, response: adminSourceView, status: 201, handler: ({ actor, body }) => svc.addAdminSource(actor, body) }),
    defineRoute({ method: 'delete', path: '/api/bastion/admin-sources/:id', tag, summary: 'Remove an admin address range', access: 'bastion.acl_manage', audit: 'bastion_admin_source.removed', params: idParams, status: 204, handler: ({ actor, params }) => svc.removeAdminSource(actor, params.id) }),
    defineRoute({ method: 'get', path: '/api/bastion/mac-rules', tag, summary: 'List MAC address login rules', access: 'bastion.read', response: listOf(macRuleView), handler: ({ actor }) => svc.listMacRules(actor) }),
    defineRoute({ method: 'post', path: '/api/bastion/mac-rules', tag, summary: 'Add a MAC address login rule (fails closed when the MAC is unknown)', access: 'bastion.acl_manage', audit: 'bastion_mac_rule.created', body: macRuleInput, response: macRuleView, status: 201, handler: ({ actor, body }) => svc.createMacRule(actor, body) }),
    defineRoute({ method: 'delete', path: '/api/bastion/mac-rules/:id', tag, summary: 'Delete a MAC address login rule', access: 'bastion.acl_manage', audit: 'bastion_mac_rule.deleted', params: idParams, status: 204, handler: ({ actor, params }) => svc.deleteMacRule(actor, params.id) }),
  ];
}

/** Reconciles the assets mirroring the tenant cloud's VMs now instead of at the next periodic pass. */
export function cloudAssetRoutes(sync: CloudAssetSync): RouteDef[] {
  return [
    defineRoute({ method: 'post', path: '/api/bastion/cloud-sync', tag, summary: "Bring the assets mirroring the tenant cloud's VMs up to date now", access: 'bastion.manage', response: z.object({ created: z.number(), updated: z.number(), retired: z.number() }), handler: () => sync.sync() }),
  ];
}
