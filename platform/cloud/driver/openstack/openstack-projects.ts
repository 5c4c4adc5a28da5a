import { UpstreamError } from '../../../../core/errors';
import type { Logger } from '../../../../core/log';
import type { OpenStackZoneConfig } from '../../zones-config';
import { keystone } from './openstack-api';
import type { OpenStackClient } from './openstack-client';

/**
 * Which OpenStack project holds a tenant: the configured map (by tenant id or code), else the project named after
 * the tenant's code, else (when configured) a new project on which the service user gets its role. Answers are
 * cached; a failed look-up is tried again on the next call.
 */
export function projectResolver(zone: string, client: OpenStackClient, tenancy: OpenStackZoneConfig['tenancy'], tenantCode: ((tenantId: string) => Promise<string | null>) | undefined, logger: Pick<Logger, 'info'>) {
  const ks = keystone(client);
  const cache = new Map<string, Promise<string>>();
  const missing = (why: string) => new UpstreamError(`OpenStack ${zone}: ${why}`, { code: 'cloud.tenant_project_missing' });

  async function lookup(tenantId: string): Promise<string> {
    const direct = tenancy.projects[tenantId];
    if (direct) return direct;
    const code = tenantCode ? await tenantCode(tenantId) : null;
    if (code && tenancy.projects[code]) return tenancy.projects[code]!;
    if (!code) throw missing(`tenant ${tenantId} has no OpenStack project (tenancy.projects)`);
    const name = tenancy.projectName.replace('{code}', code);
    const [found] = await ks.projectsNamed(name, tenancy.projectDomainId);
    if (found) return found.id;
    if (!tenancy.create) throw missing(`no OpenStack project named ${name} for tenant ${code} (create it, map it in tenancy.projects, or set tenancy.create)`);
    const made = await ks.createProject({ name, domain_id: tenancy.projectDomainId, description: `yiyun tenant ${tenantId}` });
    // A token scoped to the new project needs a role on it: the service user grants itself the configured one.
    const [userId, [role]] = await Promise.all([client.userId(), ks.rolesNamed(tenancy.role)]);
    if (!userId || !role) throw missing(`project ${name} was created but the role ${tenancy.role} could not be granted`);
    await ks.grantProjectRole(made.id, userId, role.id);
    logger.info({ zone, tenantId, project: made.id, name }, 'OpenStack project created for a tenant');
    return made.id;
  }

  return {
    resolve(tenantId: string): Promise<string> {
      let p = cache.get(tenantId);
      if (!p) {
        p = lookup(tenantId);
        cache.set(tenantId, p);
        p.catch(() => cache.delete(tenantId));
      }
      return p;
    },
  };
}
