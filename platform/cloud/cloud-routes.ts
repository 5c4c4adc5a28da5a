import { z } from 'zod';
import { defineRoute, idParams, listOf, sendJsonText, type RouteDef } from '../../core/http';
import type { CloudService } from './cloud-service';
import * as S from './cloud-schemas';

const TAG = 'cloud';
const R = S.resourceSchema;
const ruleParams = z.strictObject({ id: z.uuid(), ruleId: z.uuid() });
const empty = z.strictObject({});

/** Every route of the tenant cloud: `cloud.read` to look, `cloud.operate` to change, `cloud.admin` for the region. */
export function cloudRoutes(svc: CloudService): RouteDef[] {
  const { network: n, compute: c, storage: st } = svc;
  const routes: RouteDef[] = [];
  const add = (...r: RouteDef[]) => routes.push(...r);

  const readable: [string, S.Kind, string][] = [
    ['vpcs', 'vpc', 'VPCs'], ['subnets', 'subnet', 'subnets'], ['security-groups', 'security_group', 'security groups'], ['acls', 'acl', 'network ACLs'],
    ['eips', 'eip', 'EIPs'], ['havips', 'havip', 'HaVIPs'], ['nics', 'nic', 'elastic NICs'], ['keypairs', 'keypair', 'key pairs'], ['vms', 'vm', 'VMs'],
    ['server-groups', 'server_group', 'server groups'], ['templates', 'template', 'launch templates'], ['images', 'image', 'imported images'],
    ['disks', 'disk', 'disks'], ['snapshots', 'snapshot', 'snapshots'], ['backups', 'backup', 'backups'], ['backup-policies', 'backup_policy', 'backup policies'],
  ];
  for (const [path, kind, label] of readable) {
    add(
      // The body comes as JSON text in the response schema's shape (see list-json.ts): a page of a long list is
      // sent without parsing it into rows and serialising it again.
      defineRoute({
        method: 'get', path: `/api/cloud/${path}`, tag: TAG, summary: `List ${label}`, access: 'cloud.read', query: S.listQuery, response: listOf(R), raw: true,
        handler: async ({ actor, query, res }) => {
          sendJsonText(res, await svc.listJson(actor, kind, query));
        },
      }),
      defineRoute({ method: 'get', path: `/api/cloud/${path}/:id`, tag: TAG, summary: `Show one of the ${label}`, access: 'cloud.read', params: idParams, response: R, handler: ({ actor, params }) => svc.get(actor, kind, params.id) }),
    );
  }
  for (const [path, kind] of [['vpcs', 'vpc'], ['subnets', 'subnet'], ['disks', 'disk'], ['vms', 'vm']] as const) {
    add(
      defineRoute({
        method: 'get', path: `/api/cloud/${path}-export`, tag: TAG, summary: `Export the ${path} list (CSV, JSON, XLSX)`, access: 'cloud.read', query: S.exportQuery, raw: true,
        handler: async ({ actor, query, res }) => {
          const out = await svc.exportList(actor, kind, query);
          res.setHeader('content-type', out.type);
          res.setHeader('content-disposition', `attachment; filename="${out.filename}"`);
          res.send(out.body);
        },
      }),
    );
  }
  const op = <B>(method: 'post' | 'put' | 'patch' | 'delete', path: string, summary: string, audit: `${string}.${string}`, body: z.ZodType<B> | undefined, handler: (a: { actor: any; params: { id: string }; body: B }) => unknown, status?: number, response: z.ZodType = R) =>
    defineRoute({ method, path, tag: TAG, summary, access: 'cloud.operate', audit, params: path.includes(':id') ? idParams : undefined, body, response: status === 204 ? undefined : response, status, handler: handler as never });
  const del = (path: string, what: string, audit: `${string}.${string}`, fn: (actor: any, id: string) => Promise<void>) =>
    defineRoute({ method: 'delete', path: `/api/cloud/${path}/:id`, tag: TAG, summary: `Delete ${what}`, access: 'cloud.operate', audit, params: idParams, status: 204, handler: ({ actor, params }) => fn(actor, params.id) });

  // ---- networks ----
  add(
    op('post', '/api/cloud/vpcs', 'Create a VPC', 'vpc.created', S.createVpc, ({ actor, body }) => n.createVpc(actor, body), 201),
    op('put', '/api/cloud/vpcs/:id/tags', 'Replace a VPC’s tags', 'vpc.tagged', S.tagsBody, ({ actor, params, body }) => n.setTags(actor, 'vpc', params.id, body.tags)),
    del('vpcs', 'a VPC', 'vpc.deleted', n.deleteVpc),
    op('post', '/api/cloud/subnets', 'Create a subnet (IPv4, IPv6 or dual stack)', 'subnet.created', S.createSubnet, ({ actor, body }) => n.createSubnet(actor, body), 201),
    op('patch', '/api/cloud/subnets/:id', 'Change a subnet (name, route table, DNS, lease)', 'subnet.updated', S.updateSubnet, ({ actor, params, body }) => n.updateSubnet(actor, params.id, body)),
    del('subnets', 'a subnet', 'subnet.deleted', n.deleteSubnet),
    defineRoute({ method: 'get', path: '/api/cloud/subnets/:id/details', tag: TAG, summary: 'Subnet details: gateway, DNS, DHCP, free addresses, attached resources, route table, ACL', access: 'cloud.read', params: idParams, handler: ({ actor, params }) => n.subnetDetails(actor, params.id) }),
    op('post', '/api/cloud/security-groups', 'Create a security group (deny by default)', 'security_group.created', S.createSecurityGroup, ({ actor, body }) => n.createSecurityGroup(actor, body), 201),
    del('security-groups', 'a security group', 'security_group.deleted', n.deleteSecurityGroup),
    defineRoute({ method: 'get', path: '/api/cloud/security-groups/:id/rules', tag: TAG, summary: 'List a security group’s rules', access: 'cloud.read', params: idParams, response: listOf(R), handler: ({ actor, params }) => svc.children(actor, 'security_group', params.id, 'sg_rule') }),
    op('post', '/api/cloud/security-groups/:id/rules', 'Add an ingress or egress rule', 'security_group.rule_added', S.sgRuleBody, ({ actor, params, body }) => n.addSgRule(actor, params.id, body), 201),
    defineRoute({ method: 'put', path: '/api/cloud/security-groups/:id/rules/:ruleId', tag: TAG, summary: 'Change a rule', access: 'cloud.operate', audit: 'security_group.rule_updated', params: ruleParams, body: S.sgRuleBody, response: R, handler: ({ actor, params, body }) => n.updateSgRule(actor, params.id, params.ruleId, body) }),
    defineRoute({ method: 'delete', path: '/api/cloud/security-groups/:id/rules/:ruleId', tag: TAG, summary: 'Delete a rule', access: 'cloud.operate', audit: 'security_group.rule_deleted', params: ruleParams, status: 204, handler: ({ actor, params }) => n.deleteSgRule(actor, params.id, params.ruleId) }),
    op('post', '/api/cloud/acls', 'Create a network ACL', 'acl.created', S.createAcl, ({ actor, body }) => n.createAcl(actor, body), 201),
    op('patch', '/api/cloud/acls/:id', 'Enable, disable or rename a network ACL', 'acl.updated', S.aclUpdate, ({ actor, params, body }) => n.updateAcl(actor, params.id, body)),
    del('acls', 'a network ACL', 'acl.deleted', n.deleteAcl),
    defineRoute({ method: 'get', path: '/api/cloud/acls/:id/rules', tag: TAG, summary: 'List a network ACL’s rules', access: 'cloud.read', params: idParams, response: listOf(R), handler: ({ actor, params }) => svc.children(actor, 'acl', params.id, 'acl_rule') }),
    op('post', '/api/cloud/acls/:id/rules', 'Add a network ACL rule', 'acl.rule_added', S.aclRuleBody, ({ actor, params, body }) => n.addAclRule(actor, params.id, body), 201),
    defineRoute({ method: 'put', path: '/api/cloud/acls/:id/rules/:ruleId', tag: TAG, summary: 'Change a network ACL rule', access: 'cloud.operate', audit: 'acl.rule_updated', params: ruleParams, body: S.aclRuleBody, response: R, handler: ({ actor, params, body }) => n.updateAclRule(actor, params.id, params.ruleId, body) }),
    defineRoute({ method: 'delete', path: '/api/cloud/acls/:id/rules/:ruleId', tag: TAG, summary: 'Delete a network ACL rule', access: 'cloud.operate', audit: 'acl.rule_deleted', params: ruleParams, status: 204, handler: ({ actor, params }) => n.deleteAclRule(actor, params.id, params.ruleId) }),
    op('post', '/api/cloud/acls/:id/associate', 'Associate subnets with a network ACL', 'acl.subnets_associated', S.aclSubnets, ({ actor, params, body }) => n.associateAcl(actor, params.id, body.subnetIds, true)),
    op('post', '/api/cloud/acls/:id/disassociate', 'Disassociate subnets from a network ACL', 'acl.subnets_disassociated', S.aclSubnets, ({ actor, params, body }) => n.associateAcl(actor, params.id, body.subnetIds, false)),
    op('post', '/api/cloud/acls/:id/import', 'Import network ACL rules (CSV or JSON, all or nothing)', 'acl.rules_imported', S.aclImport, ({ actor, params, body }) => n.importAclRules(actor, params.id, body), 200, z.object({ imported: z.number().int() })),
    defineRoute({
      method: 'get', path: '/api/cloud/acls/:id/export', tag: TAG, summary: 'Export network ACL rules (CSV or JSON)', access: 'cloud.read', params: idParams, query: z.strictObject({ format: z.enum(['csv', 'json']).default('csv') }), raw: true,
      handler: async ({ actor, params, query, res }) => {
        const body = await n.exportAclRules(actor, params.id, query.format);
        res.setHeader('content-type', query.format === 'json' ? 'application/json' : 'text/csv; charset=utf-8');
        res.setHeader('content-disposition', `attachment; filename="acl-rules.${query.format}"`);
        res.send(body);
      },
    }),
    op('post', '/api/cloud/eips', 'Allocate an EIP', 'eip.created', S.createEip, ({ actor, body }) => n.createEip(actor, body), 201),
    op('post', '/api/cloud/eips/:id/bind', 'Bind an EIP to a VM, NIC or HaVIP', 'eip.bound', S.bindEip, ({ actor, params, body }) => n.bindEip(actor, params.id, body)),
    op('post', '/api/cloud/eips/:id/unbind', 'Unbind an EIP', 'eip.unbound', empty, ({ actor, params }) => n.unbindEip(actor, params.id)),
    del('eips', 'an EIP (release it)', 'eip.deleted', n.deleteEip),
    op('post', '/api/cloud/havips', 'Create a HaVIP', 'havip.created', S.createHavip, ({ actor, body }) => n.createHavip(actor, body), 201),
    op('post', '/api/cloud/havips/:id/bind', 'Bind VMs and/or an EIP to a HaVIP', 'havip.bound', S.bindHavip, ({ actor, params, body }) => n.bindHavip(actor, params.id, body)),
    op('post', '/api/cloud/havips/:id/unbind', 'Unbind VMs and/or the EIP from a HaVIP', 'havip.unbound', S.unbindHavip, ({ actor, params, body }) => n.unbindHavip(actor, params.id, body)),
    del('havips', 'a HaVIP', 'havip.deleted', n.deleteHavip),
    op('post', '/api/cloud/nics', 'Create an elastic NIC', 'nic.created', S.createNic, ({ actor, body }) => n.createNic(actor, body), 201),
    op('post', '/api/cloud/nics/:id/bind', 'Bind an elastic NIC to a VM', 'nic.bound', S.bindNic, ({ actor, params, body }) => n.bindNic(actor, params.id, body.vmId)),
    op('post', '/api/cloud/nics/unbind', 'Unbind elastic NICs (batch)', 'nic.unbound', S.batchIds, ({ actor, body }) => n.unbindNics(actor, body.ids), 200, listOf(R)),
    del('nics', 'an elastic NIC', 'nic.deleted', n.deleteNic),
    op('post', '/api/cloud/keypairs', 'Import a key pair (public key)', 'keypair.created', S.createKeypair, ({ actor, body }) => n.createKeypair(actor, body), 201),
    del('keypairs', 'a key pair', 'keypair.deleted', n.deleteKeypair),
  );

  // ---- compute ----
  const batch = z.object({ items: z.array(R), total: z.number().int(), errors: z.array(z.object({ name: z.string(), code: z.string(), message: z.string() })) });
  add(
    op('post', '/api/cloud/vms', 'Create a VM (from an image or a launch template)', 'vm.created', S.createVm, ({ actor, body }) => c.createVm(actor, body), 201),
    op('post', '/api/cloud/vms/batch', 'Create N VMs with a name pattern ({n}, {n:3})', 'vm.created', S.createVm, ({ actor, body }) => c.createBatch(actor, body), 201, batch),
    op('post', '/api/cloud/vms/:id/clone', 'Create VMs with the configuration of this one', 'vm.created', S.cloneVm, ({ actor, params, body }) => c.cloneVm(actor, params.id, body), 201, batch),
    op('post', '/api/cloud/vms/:id/start', 'Start a VM', 'vm.started', empty, ({ actor, params }) => c.start(actor, params.id)),
    op('post', '/api/cloud/vms/:id/stop', 'Stop a VM', 'vm.stopped', empty, ({ actor, params }) => c.stop(actor, params.id)),
    op('post', '/api/cloud/vms/:id/reboot', 'Reboot a VM', 'vm.rebooted', empty, ({ actor, params }) => c.reboot(actor, params.id)),
    op('post', '/api/cloud/vms/:id/resize', 'Change a VM’s flavor (an order)', 'vm.resized', S.resizeVm, ({ actor, params, body }) => c.resize(actor, params.id, body.flavor)),
    op('put', '/api/cloud/vms/:id/tags', 'Replace a VM’s tags', 'vm.tagged', S.tagsBody, ({ actor, params, body }) => n.setTags(actor, 'vm', params.id, body.tags)),
    op('post', '/api/cloud/vms/:id/vnc', 'Open the VNC console (a short-lived URL)', 'vm.console_opened', empty, ({ actor, params }) => c.vnc(actor, params.id), 200, z.object({ url: z.string(), type: z.string(), expiresAt: z.date() })),
    op('post', '/api/cloud/vms/:id/template', 'Save a VM’s parameters as a launch template', 'template.created', S.templateFromVm, ({ actor, params, body }) => c.templateFromVm(actor, params.id, body), 201),
    del('vms', 'a VM', 'vm.deleted', c.deleteVm),
    op('post', '/api/cloud/server-groups', 'Create a server group (strong or soft anti-affinity)', 'server_group.created', S.createServerGroup, ({ actor, body }) => c.createServerGroup(actor, body), 201),
    del('server-groups', 'a server group', 'server_group.deleted', c.deleteServerGroup),
    op('post', '/api/cloud/templates', 'Create a launch template', 'template.created', S.createTemplate, ({ actor, body }) => c.createTemplate(actor, body), 201),
    del('templates', 'a launch template', 'template.deleted', c.deleteTemplate),
    op('post', '/api/cloud/images', 'Import an image (RAW, VHD, QCOW2; converted to raw)', 'image.imported', S.importImage, ({ actor, body }) => c.importImage(actor, body), 201),
    del('images', 'an imported image', 'image.deleted', c.deleteImage),
    op('put', '/api/cloud/images/:id/visibility', 'Make an image private or share it with member tenants (public: platform admin)', 'image.visibility_changed', S.imageVisibilityBody, ({ actor, params, body }) => svc.images.setVisibility(actor, params.id, body.visibility)),
    defineRoute({ method: 'put', path: '/api/cloud/images/:id/publication', tag: TAG, summary: 'Set any image’s visibility, public included (platform admin)', access: 'cloud.admin', audit: 'image.visibility_changed', params: idParams, body: S.imageVisibilityBody, response: R, handler: ({ actor, params, body }) => svc.images.setVisibility(actor, params.id, body.visibility) }),
    defineRoute({ method: 'get', path: '/api/cloud/images/:id/members', tag: TAG, summary: 'The tenants an image is shared with', access: 'cloud.read', params: idParams, response: listOf(S.imageMemberSchema), handler: ({ actor, params }) => svc.images.members(actor, params.id) }),
    op('post', '/api/cloud/images/:id/members', 'Share an image with another tenant of the zone', 'image.member_added', S.imageMemberBody, ({ actor, params, body }) => svc.images.addMember(actor, params.id, body.tenantId), 201),
    defineRoute({ method: 'get', path: '/api/cloud/image-shares', tag: TAG, summary: 'Images other tenants share with mine, and how we answered (pending, accepted, rejected)', access: 'cloud.read', query: S.imageShareQuery, response: listOf(S.imageShareSchema), handler: ({ actor, query }) => svc.images.shares(actor, query.status) }),
    op('post', '/api/cloud/images/:id/accept', 'Accept an image shared with my tenant (it becomes listed and bootable)', 'image.share_accepted', empty, ({ actor, params }) => svc.images.answer(actor, params.id, 'accepted'), 200, S.answeredImageSchema),
    op('post', '/api/cloud/images/:id/reject', 'Reject an image shared with my tenant', 'image.share_rejected', empty, ({ actor, params }) => svc.images.answer(actor, params.id, 'rejected'), 200, S.answeredImageSchema),
    defineRoute({ method: 'delete', path: '/api/cloud/images/:id/members/:tenantId', tag: TAG, summary: 'Stop sharing an image with a tenant', access: 'cloud.operate', audit: 'image.member_removed', params: S.imageMemberParams, status: 204, handler: ({ actor, params }) => svc.images.removeMember(actor, params.id, params.tenantId) }),
  );

  // ---- storage ----
  add(
    op('post', '/api/cloud/disks', 'Create a disk (empty, from a snapshot or from a backup)', 'disk.created', S.createDisk, ({ actor, body }) => st.createDisk(actor, body), 201),
    op('post', '/api/cloud/disks/:id/attach', 'Attach a disk to a VM', 'disk.attached', S.attachDisk, ({ actor, params, body }) => st.attach(actor, params.id, body.vmId)),
    op('post', '/api/cloud/disks/:id/detach', 'Detach a disk', 'disk.detached', empty, ({ actor, params }) => st.detach(actor, params.id)),
    op('post', '/api/cloud/disks/:id/initialise', 'Initialise a disk (partition table and file system)', 'disk.initialised', S.initDisk, ({ actor, params, body }) => st.initialise(actor, params.id, body)),
    op('post', '/api/cloud/disks/:id/extend', 'Extend a disk (an order)', 'disk.extended', S.extendDisk, ({ actor, params, body }) => st.extend(actor, params.id, body.sizeGb)),
    op('put', '/api/cloud/disks/:id/tags', 'Replace a disk’s tags', 'disk.tagged', S.tagsBody, ({ actor, params, body }) => n.setTags(actor, 'disk', params.id, body.tags)),
    op('delete', '/api/cloud/disks/:id', 'Delete a disk (into the recycle bin)', 'disk.recycled', undefined, ({ actor, params }) => st.recycle(actor, params.id)),
    defineRoute({ method: 'get', path: '/api/cloud/recycle-bin', tag: TAG, summary: 'Disks in the recycle bin', access: 'cloud.read', query: S.listQuery, response: listOf(R), handler: ({ actor, query }) => svc.recycleBin(actor, query) }),
    op('post', '/api/cloud/recycle-bin/:id/restore', 'Restore a disk from the recycle bin', 'disk.restored', empty, ({ actor, params }) => st.restore(actor, params.id)),
    op('delete', '/api/cloud/recycle-bin/:id', 'Purge a disk from the recycle bin now (volume, snapshots and its data key)', 'disk.purged', undefined, ({ actor, params }) => st.purgeNow(actor, params.id), 204),
    op('post', '/api/cloud/snapshots', 'Create a snapshot of a disk', 'snapshot.created', S.createSnapshot, ({ actor, body }) => st.createSnapshot(actor, body), 201),
    op('post', '/api/cloud/snapshots/:id/rollback', 'Roll a disk back to this snapshot', 'disk.rolled_back', empty, ({ actor, params }) => st.rollback(actor, params.id)),
    del('snapshots', 'a snapshot', 'snapshot.deleted', st.deleteSnapshot),
    op('post', '/api/cloud/backups', 'Back up a disk or a VM (full or incremental)', 'backup.created', S.createBackup, ({ actor, body }) => st.createBackup(actor, body), 201),
    op('post', '/api/cloud/backups/:id/restore', 'Restore a backup onto its source (or another disk)', 'backup.restored', S.restoreBackup, ({ actor, params, body }) => st.restoreBackup(actor, params.id, body)),
    del('backups', 'a backup', 'backup.deleted', st.deleteBackup),
    op('post', '/api/cloud/backup-policies', 'Create a scheduled backup policy', 'backup_policy.created', S.createBackupPolicy, ({ actor, body }) => st.createPolicy(actor, body), 201),
    del('backup-policies', 'a backup policy', 'backup_policy.deleted', st.deletePolicy),
  );

  // ---- orders, quota, overview, topology, region ----
  add(
    defineRoute({ method: 'get', path: '/api/cloud/orders', tag: TAG, summary: 'Orders (every create and resize)', access: 'cloud.read', query: S.orderQuery, response: listOf(S.orderSchema), handler: ({ actor, query }) => svc.orders(actor, query) }),
    defineRoute({ method: 'get', path: '/api/cloud/orders/:id', tag: TAG, summary: 'One order', access: 'cloud.read', params: idParams, response: S.orderSchema, handler: ({ actor, params }) => svc.order(actor, params.id) }),
    defineRoute({ method: 'get', path: '/api/cloud/quota', tag: TAG, summary: 'Quota and use', access: 'cloud.read', query: z.strictObject({ tenantId: z.uuid().optional() }), response: S.quotaUsage, handler: ({ actor, query }) => svc.quota(actor, query.tenantId) }),
    defineRoute({ method: 'get', path: '/api/cloud/overview', tag: TAG, summary: 'The overview: resources, orders, quota use, recent operations, saved layout', access: 'cloud.read', handler: ({ actor }) => svc.overview(actor) }),
    defineRoute({ method: 'put', path: '/api/cloud/overview/layout', tag: TAG, summary: 'Save the overview’s widgets and their order', access: 'cloud.read', body: S.layoutBody, handler: ({ actor, body }) => svc.saveLayout(actor, body.widgets) }),
    defineRoute({ method: 'get', path: '/api/cloud/topology', tag: TAG, summary: 'The tenant’s network topology (nodes and edges)', access: 'cloud.read', handler: ({ actor }) => svc.topology(actor) }),
    defineRoute({ method: 'get', path: '/api/cloud/region', tag: TAG, summary: 'The zone: AZs, flavors, public images, volume types, capacity', access: 'cloud.read', query: z.strictObject({ zone: z.string().max(64).optional() }), handler: ({ actor, query }) => svc.region(actor, query.zone) }),
    defineRoute({ method: 'get', path: '/api/cloud/zones', tag: TAG, summary: 'Every zone with its driver and hypervisor hosts', access: 'cloud.admin', handler: ({ actor }) => svc.zones(actor) }),
    defineRoute({ method: 'post', path: '/api/cloud/jobs/purge', tag: TAG, summary: 'Run the recycle-bin purge now', access: 'cloud.admin', audit: 'disk.purged', handler: () => st.purgeDue() }),
  );
  // A change commits inside its handler: then the remembered list totals and page starts go (see list-memory.ts).
  return routes.map((r) => (r.method === 'get' ? r : { ...r, handler: (ctx) => Promise.resolve(r.handler(ctx)).finally(() => svc.forgetLists()) }));
}
