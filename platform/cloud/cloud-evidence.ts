import { allPages, combineVerdicts, csvFile, defineEvidenceSource, jsonFile, type CheckResult, type EvidenceSource, type Verdict } from '../../compliance';
import { systemActor } from '../../core/authz';
import { evaluateResource, ruleById, type PolicyRule } from '../../policies';
import type { ListedRow } from './cloud-dal';
import { allPortsOpen, crossTenantRefs, ids, ruleText, type OpenRule } from './cloud-evidence-fns';
import type { Kind } from './cloud-schemas';
import type { CloudService } from './cloud-service';
import { sgRuleDesc } from './network-service';

const ADMIN_PORT_RULE = [ruleById('admin-port-not-public')].filter((r): r is PolicyRule => !!r);
const PURGE_LOOKBACK_DAYS = 365;

/**
 * The tenant cloud's checks: isolation between tenants, VMs only through the control plane, wipe of deleted disks,
 * where tenant data lies, and the means to take it out. Every verdict is read from the cloud's own records, its
 * drivers and the audit trail at run time.
 */
export function cloudEvidenceSource(cloud: Pick<CloudService, 'core' | 'exportList'>): EvidenceSource {
  const { dal, drivers, audit, eraser, tenants, policyContext, policyZones } = cloud.core.deps;
  const actor = systemActor('compliance-cloud');

  const all = (kind: Kind): Promise<ListedRow[]> =>
    allPages(async (offset, limit) => ({ items: (await dal.list({ kind, tenantId: null, offset, limit, sort: 'createdAt', order: 'asc' })).rows }), 2000);
  async function codes(ids: Iterable<string>): Promise<Map<string, string>> {
    const list = [...new Set(ids)];
    return new Map((list.length ? await tenants.directory(list) : []).map((t) => [t.id, t.code]));
  }

  return defineEvidenceSource({
    id: 'cloud',
    room: 'platform/cloud',
    checks: [
      {
        key: 'cloud.tenant-isolation',
        title: '租户间网络隔离与租户自设安全策略',
        itemIds: ['L3-CNS2-02', 'L3-CNS2-04', 'L3-CES2-02'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const kinds: Kind[] = ['vpc', 'subnet', 'security_group', 'sg_rule', 'acl', 'nic', 'vm', 'havip', 'eip', 'disk', 'image', 'keypair', 'server_group'];
          const byKind = new Map<Kind, ListedRow[]>();
          for (const k of kinds) byKind.set(k, await all(k));
          const rows = [...byKind.values()].flat();
          const members = new Set<string>();
          for (const img of byKind.get('image')!.filter((i) => i.spec.visibility === 'shared')) {
            for (const m of await dal.imageMembers(img.id)) if (m.status !== 'rejected') members.add(`${img.id}/${m.tenant_id}`);
          }
          const cross = crossTenantRefs(rows, (imageId, tenantId) => members.has(`${imageId}/${tenantId}`));
          const rules = byKind.get('sg_rule')!;
          const open: OpenRule[] = allPortsOpen(rules);
          for (const r of rules) {
            const s = r.spec as Parameters<typeof sgRuleDesc>[0];
            const zone = policyZones.get(r.zone) ?? r.zone;
            for (const v of evaluateResource({ ...sgRuleDesc(s), zone }, policyContext, ADMIN_PORT_RULE)) {
              open.push({ tenantId: r.tenant_id, groupId: r.parent_id ?? '', ruleId: r.id, rule: ruleText(r), why: `${v.policy}: ${v.message}` });
            }
          }
          const vms = byKind.get('vm')!;
          const vmsWithoutSg = vms.filter((v) => !(v.spec.securityGroupIds as unknown[] | undefined)?.length);
          const vmNics = byKind.get('nic')!.filter((n) => n.spec.vmId);
          const nicsWithoutSg = vmNics.filter((n) => !(n.spec.securityGroupIds as unknown[] | undefined)?.length);
          const names = await codes(rows.map((r) => r.tenant_id));
          const perTenant = [...names.entries()].map(([id, code]) => ({
            tenantId: id,
            code,
            vpcs: byKind.get('vpc')!.filter((r) => r.tenant_id === id).length,
            securityGroups: byKind.get('security_group')!.filter((r) => r.tenant_id === id).length,
            sgRules: rules.filter((r) => r.tenant_id === id).length,
            acls: byKind.get('acl')!.filter((r) => r.tenant_id === id).length,
            vms: vms.filter((r) => r.tenant_id === id).length,
            openRules: open.filter((o) => o.tenantId === id).length,
            crossTenantRefs: cross.filter((c) => c.tenantId === id).length,
          }));
          const isolation: Verdict = cross.length || open.length ? 'fail' : 'pass';
          const ownPolicy: Verdict = cross.length ? 'fail' : vmsWithoutSg.length ? 'partial' : 'pass';
          const followsVm: Verdict = cross.length ? 'fail' : nicsWithoutSg.length ? 'partial' : 'pass';
          const base = `租户 ${names.size} 个；跨租户引用 ${cross.length} 处；对任意地址开放管理端口或全部端口的入方向规则 ${open.length} 条`;
          return {
            verdict: combineVerdicts([isolation, ownPolicy, followsVm]) ?? 'pass',
            summary: `${base}（要求均为 0；安全组新建即默认拒绝入方向）`,
            evidence: { collectedAt: ctx.now.toISOString(), tenants: perTenant, crossTenantRefs: cross, openRules: open, vmsWithoutSecurityGroup: vmsWithoutSg.map((v) => v.id), vmNicsWithoutSecurityGroup: nicsWithoutSg.map((n) => n.id), allowedSharing: 'region catalogue images, images made public, images shared with an accepting tenant', defaultDeny: 'security groups are created without allow rules' },
            ...(cross.length ? { risk: 'high' as const } : {}),
            perItem: {
              'L3-CNS2-02': { verdict: isolation, summary: base, ...(cross.length ? { risk: 'high' as const } : {}) },
              'L3-CNS2-04': { verdict: ownPolicy, summary: `各租户自设安全组 ${byKind.get('security_group')!.length} 个、规则 ${rules.length} 条、网络 ACL ${byKind.get('acl')!.length} 个；未绑定安全组的虚拟机 ${vmsWithoutSg.length} 台` },
              'L3-CES2-02': { verdict: followsVm, summary: `安全组绑定在虚拟机网卡（端口）上，随虚拟机迁移；未绑定安全组的虚拟机网卡 ${nicsWithoutSg.length} 个` },
            },
            files: [
              csvFile('cloud-security-group-rules.csv', [['tenant', 'group_id', 'rule_id', 'rule', 'finding'], ...rules.map((r) => [names.get(r.tenant_id) ?? r.tenant_id, r.parent_id, r.id, ruleText(r), open.filter((o) => o.ruleId === r.id).map((o) => o.why).join('; ')])]),
              jsonFile('cloud-tenant-isolation.json', { tenants: perTenant, crossTenantRefs: cross, openRules: open }),
            ],
          };
        },
      },
      {
        key: 'cloud.vm-lifecycle',
        title: '非授权新建或启用虚拟机的检测',
        itemIds: ['L3-CES2-05'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const vms = await all('vm');
          const orders = await allPages(async (offset, limit) => ({ items: (await dal.listOrders({ tenantId: null, kind: 'vm', offset, limit })).rows }), 1000);
          const ordered = new Set(orders.flatMap((o) => (o.action === 'create' && o.resource_id ? [o.resource_id] : [])));
          const withoutOrder = vms.filter((v) => !ordered.has(v.id));
          const zones = [];
          for (const [zone, driver] of drivers) {
            const hosts = await driver.hosts();
            // Every VM row may hold a server (one still building too), so only servers beyond all rows are unknown.
            const known = vms.filter((v) => v.zone === zone).length;
            const reported = hosts.reduce((a, h) => a + h.servers, 0);
            // An OpenStack tenant role sees no hypervisors: that zone cannot be reconciled from here.
            const visible = hosts.length > 0;
            zones.push({ zone, driver: driver.kind, hostsVisible: visible, serversAtDriver: visible ? reported : null, vmsInControlPlane: known, unknownAtDriver: visible ? Math.max(0, reported - known) : null });
          }
          const unknown = zones.reduce((a, z) => a + (z.unknownAtDriver ?? 0), 0);
          const blind = zones.filter((z) => !z.hostsVisible).map((z) => z.zone);
          const verdict: Verdict = unknown > 0 || withoutOrder.length > 0 ? 'fail' : blind.length ? 'partial' : 'pass';
          return {
            verdict,
            summary: `虚拟机 ${vms.length} 台均须经订单创建并审计（无订单 ${withoutOrder.length} 台）；资源池中控制面未登记的虚拟机 ${unknown} 台${blind.length ? `；${blind.join('、')} 无法读取宿主机，未核对` : ''}（要求均为 0，本检查每次运行即核对并在不符合时告警）`,
            evidence: { zones, vmsWithoutOrder: withoutOrder.map((v) => ({ id: v.id, tenantId: v.tenant_id, name: v.name })), auditedActions: ['vm.created', 'vm.started', 'vm.rebooted', 'vm.stopped'] },
            ...(unknown > 0 ? { risk: 'high' as const } : {}),
            files: [jsonFile('cloud-vm-reconciliation.json', { zones, vmsWithoutOrder: withoutOrder.map((v) => v.id) })],
          };
        },
      },
      {
        key: 'cloud.residual-wipe',
        title: '删除云硬盘的剩余信息清除（密钥销毁）',
        itemIds: ['L3-CES1-33', 'L3-CES2-18', 'L3-CES2-19'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const disks = await all('disk');
          const overdue = disks.filter((d) => d.status === 'recycled' && d.purge_after && d.purge_after.getTime() < ctx.now.getTime() - 86_400_000);
          const since = new Date(ctx.now.getTime() - PURGE_LOOKBACK_DAYS * 86_400_000);
          const records = await allPages(async (offset, limit) => ({ items: (await audit.search({ action: 'disk.purged', outcome: 'success', from: since, offset, limit })).items }), 500);
          const purged = records.flatMap((r) => (r.targetId ? [{ diskId: r.targetId, tenantId: r.tenantId, at: r.occurredAt }] : []));
          // Only purged disks: whether live disks hold a data key is crypto.storage-encryption's judgement, not this one's.
          const states = eraser?.diskKeyStates ? await eraser.diskKeyStates([...new Set(purged.map((p) => p.diskId))]) : null;
          const notErased = states ? purged.filter((p) => states[p.diskId] === 'active') : purged;
          const neverKeyed = states ? purged.filter((p) => states[p.diskId] === 'missing') : [];
          const region = [];
          for (const [zone, d] of drivers) region.push({ zone, driver: d.kind, volumeTypes: (await d.describe()).volumeTypes });
          const unencrypted = region.flatMap((z) => z.volumeTypes.filter((v) => !v.encryption || v.encryption === 'none').map((v) => `${z.zone}/${v.name}`));
          // The per-disk KMS key is not handed to the storage: the backend encrypts with its own keys (volume type),
          // so destroying the KMS key alone does not make the backend's copies unreadable — at best 部分符合.
          const storage: Verdict = !states || notErased.length ? 'fail' : 'partial';
          const summary = !states
            ? '未接入 KMS：清除云硬盘时不销毁数据密钥'
            : `近 ${PURGE_LOOKBACK_DAYS} 天清除云硬盘 ${purged.length} 块，数据密钥未销毁 ${notErased.length} 块、无密钥 ${neverKeyed.length} 块；回收站逾期未清除 ${overdue.length} 块；未加密卷类型 ${unencrypted.length} 个。卷与快照经驱动删除（嵌入式：副本记录删除；OpenStack：Cinder 删除，介质擦除取决于存储后端）；数据密钥尚未交给存储后端使用，后端以卷类型自身密钥加密，须测评确认后端擦除`;
          return {
            verdict: storage,
            summary,
            evidence: { kms: !!eraser, purged: purged.length, notErased: notErased.map((p) => p.diskId), purgedWithoutKey: neverKeyed.map((p) => p.diskId), overdueRecycled: overdue.map((d) => ({ id: d.id, purgeAfter: d.purge_after })), volumeTypes: region, unencryptedVolumeTypes: unencrypted, keyBinding: 'control plane only: the volume backend encrypts with its own keys' },
            ...(notErased.length ? { risk: 'high' as const } : {}),
            perItem: {
              'L3-CES2-18': { verdict: storage === 'fail' ? 'fail' : 'partial', summary: `${summary}；虚拟机内存回收由虚拟化层负责，须测评核查` },
            },
            files: [csvFile('cloud-purged-disks.csv', [['disk_id', 'tenant_id', 'purged_at', 'data_key'], ...purged.map((p) => [p.diskId, p.tenantId, p.at.toISOString(), states?.[p.diskId] ?? 'no-kms'])])],
          };
        },
      },
      {
        key: 'cloud.data-location',
        title: '租户数据与备份的存储位置',
        itemIds: ['L3-CES2-10', 'L3-CES2-15'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const data = [...(await all('disk')), ...(await all('snapshot')), ...(await all('backup'))];
          const pools = new Map<string, { title: string; region: string; driver: string }>();
          for (const [zone, d] of drivers) {
            const v = await d.describe();
            pools.set(zone, { title: v.title, region: v.region, driver: d.kind });
          }
          const nowhere = data.filter((r) => !pools.has(r.zone));
          const names = await codes(data.map((r) => r.tenant_id));
          const perTenant = [...names.entries()].map(([id, code]) => {
            const mine = data.filter((r) => r.tenant_id === id);
            return { tenantId: id, code, zones: [...new Set(mine.map((r) => r.zone))], disks: mine.filter((r) => r.kind === 'disk').length, snapshots: mine.filter((r) => r.kind === 'snapshot').length, backups: mine.filter((r) => r.kind === 'backup').length };
          });
          const rowsOut = data.map((r) => [names.get(r.tenant_id) ?? r.tenant_id, r.kind, r.id, r.zone, pools.get(r.zone)?.title ?? '未知', String(r.spec.volumeType ?? ''), ids(r.spec.replicas).join(' ')]);
          const where: Verdict = nowhere.length ? 'fail' : 'pass';
          return {
            verdict: where,
            summary: `租户数据 ${data.length} 项（云硬盘、快照、备份）均可查询到所在资源池与存储副本节点；位置未知 ${nowhere.length} 项`,
            evidence: { pools: Object.fromEntries(pools), tenants: perTenant, unknownLocation: nowhere.map((r) => r.id) },
            perItem: {
              'L3-CES2-10': { verdict: nowhere.length ? 'fail' : 'partial', summary: `租户数据只存放于 ${[...pools.values()].map((p) => p.title).join('、')}；资源池位于境内须查合同与现场（L3-PES2-01）` },
            },
            files: [csvFile('cloud-data-location.csv', [['tenant', 'kind', 'id', 'zone', 'pool', 'volume_type', 'replica_nodes'], ...rowsOut])],
          };
        },
      },
      {
        key: 'cloud.export',
        title: '租户迁出的技术手段（清单与配置导出）',
        itemIds: ['L3-CES2-17'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const results = [];
          for (const kind of ['vpc', 'subnet', 'vm', 'disk'] as const) {
            const listed = Math.min((await dal.list({ kind, tenantId: null, offset: 0, limit: 1, sort: 'createdAt', order: 'asc' })).total, 10_000);
            try {
              const out = await cloud.exportList(actor, kind, { format: 'json' });
              const n = (JSON.parse(String(out.body)) as unknown[]).length;
              results.push({ kind, formats: ['csv', 'json', 'xlsx'], listed, exported: n, ok: n === listed });
            } catch (err) {
              results.push({ kind, formats: ['csv', 'json', 'xlsx'], listed, exported: null, ok: false, error: (err as Error).message });
            }
          }
          const broken = results.filter((r) => !r.ok);
          return {
            verdict: broken.length ? 'fail' : 'partial',
            summary: broken.length
              ? `导出不可用或不完整：${broken.map((b) => b.kind).join('、')}`
              : '网络、子网、虚拟机、云硬盘清单可导出为 CSV/JSON/XLSX，网络 ACL 规则可导出导入，云硬盘可备份；虚拟机与云硬盘内容的迁出由运维协助，须测评确认',
            evidence: { exports: results, aclRuleExport: ['csv', 'json'] },
          };
        },
      },
    ],
  });
}
