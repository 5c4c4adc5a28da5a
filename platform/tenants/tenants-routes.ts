import { defineRoute, idParams, listOf, type RouteDef } from '../../core/http';
import type { TenantsService } from './tenants-service';
import { createTenantSchema, listTenantsQuery, quotaSchema, tenantSchema, updateTenantSchema } from './tenants-schemas';

/** Routes of tenants and quotas. */
export function tenantsRoutes(tenants: TenantsService): RouteDef[] {
  return [
    defineRoute({
      method: 'get', path: '/api/tenants', tag: 'tenants', summary: 'List tenants (a tenant sees itself)', access: 'tenant.read',
      query: listTenantsQuery, response: listOf(tenantSchema), handler: ({ actor, query }) => tenants.list(actor, query),
    }),
    defineRoute({
      method: 'get', path: '/api/tenants/:id', tag: 'tenants', summary: 'One tenant with its quota', access: 'tenant.read',
      params: idParams, response: tenantSchema, handler: ({ actor, params }) => tenants.get(actor, params.id),
    }),
    defineRoute({
      method: 'post', path: '/api/tenants', tag: 'tenants', summary: 'Create a tenant', access: 'tenant.manage', audit: 'tenant.created', status: 201,
      body: createTenantSchema, response: tenantSchema, handler: ({ actor, body }) => tenants.create(actor, body),
    }),
    defineRoute({
      method: 'patch', path: '/api/tenants/:id', tag: 'tenants', summary: 'Update a tenant (name, contact, status)', access: 'tenant.manage', audit: 'tenant.updated',
      params: idParams, body: updateTenantSchema, response: tenantSchema, handler: ({ actor, params, body }) => tenants.update(actor, params.id, body),
    }),
    defineRoute({
      method: 'put', path: '/api/tenants/:id/quota', tag: 'tenants', summary: 'Set a tenant’s quota', access: 'tenant.quota_update', audit: 'tenant.quota_changed',
      params: idParams, body: quotaSchema, response: tenantSchema, handler: ({ actor, params, body }) => tenants.setQuota(actor, params.id, body),
    }),
  ];
}
