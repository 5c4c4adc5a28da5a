import { z } from 'zod';
import { defineRoute, type RouteDef } from '../../core/http';
import { idParams, listOf, pageQuery } from '../../core/http/schemas';
import { accountInput, accountView, approvalDecision, approvalView, assetInput, assetPatch, assetView, commandView, grantInput, grantView, ruleInput, ruleView, sessionQuery, sessionView, transferView } from './bastion-schemas';
import type { BastionService } from './bastion-service';

const tag = 'bastion';
const assetAccountParams = z.strictObject({ id: z.uuid(), accountId: z.uuid() });

/** The bastion's HTTP routes: assets, accounts, grants, command rules, approvals, sessions and recordings. */
export function bastionRoutes(svc: BastionService): RouteDef[] {
  return [
    defineRoute({ method: 'get', path: '/api/bastion/assets', tag, summary: 'List assets', access: 'bastion.read', query: z.strictObject(pageQuery), response: listOf(assetView), handler: ({ actor, query }) => svc.listAssets(actor, query) }),
    defineRoute({ method: 'post', path: '/api/bastion/assets', tag, summary: 'Add an asset', access: 'bastion.manage', audit: 'bastion_asset.created', body: assetInput, response: assetView, status: 201, handler: ({ actor, body }) => svc.createAsset(actor, body) }),
    defineRoute({ method: 'get', path: '/api/bastion/assets/:id', tag, summary: 'Show an asset', access: 'bastion.read', params: idParams, response: assetView, handler: ({ actor, params }) => svc.getAsset(actor, params.id) }),
    defineRoute({ method: 'patch', path: '/api/bastion/assets/:id', tag, summary: 'Change, enable, disable or move an asset', access: 'bastion.manage', audit: 'bastion_asset.updated', params: idParams, body: assetPatch, response: assetView, handler: ({ actor, params, body }) => svc.updateAsset(actor, params.id, body) }),
    defineRoute({ method: 'delete', path: '/api/bastion/assets/:id', tag, summary: 'Delete an asset', access: 'bastion.manage', audit: 'bastion_asset.deleted', params: idParams, status: 204, handler: ({ actor, params }) => svc.deleteAsset(actor, params.id) }),
    defineRoute({ method: 'get', path: '/api/bastion/assets/:id/accounts', tag, summary: "List an asset's accounts (never their secrets)", access: 'bastion.read', params: idParams, response: listOf(accountView), handler: ({ actor, params }) => svc.listAccounts(actor, params.id) }),
    defineRoute({ method: 'post', path: '/api/bastion/assets/:id/accounts', tag, summary: 'Add an account with its sealed credential', access: 'bastion.manage', audit: 'bastion_account.created', params: idParams, body: accountInput, response: accountView, status: 201, handler: ({ actor, params, body }) => svc.createAccount(actor, params.id, body) }),
    defineRoute({ method: 'delete', path: '/api/bastion/assets/:id/accounts/:accountId', tag, summary: 'Delete an account', access: 'bastion.manage', audit: 'bastion_account.deleted', params: assetAccountParams, status: 204, handler: ({ actor, params }) => svc.deleteAccount(actor, params.id, params.accountId) }),
    defineRoute({ method: 'get', path: '/api/bastion/grants', tag, summary: 'List grants', access: 'bastion.read', response: listOf(grantView), handler: ({ actor }) => svc.listGrants(actor) }),
    defineRoute({ method: 'post', path: '/api/bastion/grants', tag, summary: 'Grant an operator an account on an asset (or a folder of assets) until a time', access: 'bastion.manage', audit: 'bastion_grant.created', body: grantInput, response: grantView, status: 201, handler: ({ actor, body }) => svc.createGrant(actor, body) }),
    defineRoute({ method: 'delete', path: '/api/bastion/grants/:id', tag, summary: 'Revoke a grant', access: 'bastion.manage', audit: 'bastion_grant.revoked', params: idParams, status: 204, handler: ({ actor, params }) => svc.revokeGrant(actor, params.id) }),
    defineRoute({ method: 'get', path: '/api/bastion/command-rules', tag, summary: 'List command rules', access: 'bastion.read', response: listOf(ruleView), handler: ({ actor }) => svc.listRules(actor) }),
    defineRoute({ method: 'post', path: '/api/bastion/command-rules', tag, summary: 'Add a command rule (allow, deny or require approval)', access: 'bastion.rule_manage', audit: 'bastion_rule.created', body: ruleInput, response: ruleView, status: 201, handler: ({ actor, body }) => svc.createRule(actor, body) }),
    defineRoute({ method: 'delete', path: '/api/bastion/command-rules/:id', tag, summary: 'Delete a command rule', access: 'bastion.rule_manage', audit: 'bastion_rule.deleted', params: idParams, status: 204, handler: ({ actor, params }) => svc.deleteRule(actor, params.id) }),
    defineRoute({ method: 'get', path: '/api/bastion/approvals', tag, summary: 'List command approval requests', access: 'bastion.rule_manage', response: listOf(approvalView), handler: ({ actor }) => svc.listApprovals(actor) }),
    defineRoute({ method: 'post', path: '/api/bastion/approvals/:id/decision', tag, summary: 'Approve or reject a command', access: 'bastion.rule_manage', audit: 'bastion_approval.decided', params: idParams, body: approvalDecision, status: 204, handler: ({ actor, params, body }) => svc.decideApproval(actor, params.id, body.approve) }),
    defineRoute({ method: 'get', path: '/api/bastion/sessions', tag, summary: 'Search sessions by operator, asset, time and typed or shown text', access: 'bastion.session_read', query: sessionQuery, response: listOf(sessionView), handler: ({ actor, query }) => svc.listSessions(actor, query) }),
    defineRoute({ method: 'get', path: '/api/bastion/sessions/:id', tag, summary: 'Show a session with its commands and transfers', access: 'bastion.session_read', params: idParams, response: sessionView.extend({ commands: z.array(commandView), transfers: z.array(transferView) }), handler: ({ actor, params }) => svc.getSession(actor, params.id) }),
    defineRoute({
      method: 'get', path: '/api/bastion/sessions/:id/recording', tag, summary: 'The asciicast v2 recording (viewing is audited)', access: 'bastion.session_read', params: idParams, raw: true,
      handler: async ({ actor, params, res }) => {
        const rec = await svc.openRecording(actor, params.id);
        res.setHeader('content-type', 'application/x-asciicast');
        res.setHeader('content-disposition', `inline; filename="${rec.name}"`);
        await new Promise<void>((resolve, reject) => rec.stream.pipe(res).on('finish', () => resolve()).on('error', reject));
      },
    }),
    defineRoute({ method: 'post', path: '/api/bastion/sessions/:id/kill', tag, summary: 'End a live session', access: 'bastion.session_kill', audit: 'bastion_session.killed', params: idParams, status: 204, handler: ({ actor, params }) => svc.killSession(actor, params.id) }),
  ];
}
