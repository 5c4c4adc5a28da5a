import { a, type Annotation } from './catalogue-schemas';

/**
 * 等保 2.0 level 3, cloud-computing extension (46 items). The extension itself splits duties between the cloud
 * service provider (yiyun's operator) and the cloud service customer (a tenant hospital); `responsibility`
 * follows that split. Customer-side items (云服务商选择, local backups) are the tenant's.
 */
const C = {
  site: '基础设施与运维地点，须查阅合同与现场核查 (location of infrastructure and operations: contracts and site)',
  estate: '资源编排 plan 与策略结果自动判定 (the estate plan and its policy results decide)',
  cloud: '云服务（租户隔离、虚拟机生命周期、存储副本）状态自动核验 (the tenant cloud service\'s state is verified)',
  security: '安全服务运行状态与规则自动采集，检测效果须人工抽测 (security services report status; detection is sample-tested)',
  audit: '审计链与堡垒机记录自动核验 (the audit trail and bastion records are verified)',
  crypto: '密码资产与密钥管理能力自动核验 (crypto inventory and key management verified)',
  docs: '合同、SLA 与协议，经人工表单上传 (contracts, SLAs and agreements, uploaded)',
  tenant: '云服务客户自身的措施，由租户上传证据 (the customer\'s own measure: the tenant uploads evidence)',
} as const;

export const DENGBAO_CLOUD: Record<string, Annotation> = {
  // 安全物理环境 8.2.1
  'L3-PES2-01': a('k', 'p', 'm', C.site, '云计算基础设施位于中国境内', 'Cloud infrastructure is located in mainland China'),

  // 安全通信网络 8.2.2
  'L3-CNS2-01': a('k', 'p', 'a', C.estate, '云平台不承载高于自身等级的业务系统', 'The platform hosts no system graded above its own level', ['estate.plan-policies']),
  'L3-CNS2-02': a('k', 'p', 'a', C.cloud, '不同租户虚拟网络相互隔离', 'Tenants\' virtual networks are isolated from each other', ['cloud.tenant-isolation']),
  'L3-CNS2-03': a('g', 'p', 'a', C.estate, '可按租户需要提供传输、边界防护、入侵防范等机制', 'Transport, boundary and intrusion protection are offered per tenant need', ['estate.plan-policies']),
  'L3-CNS2-04': a('g', 'p', 'a', C.cloud, '租户可自主设置安全策略（访问路径、组件、规则）', 'Tenants set their own policies: paths, components, rules', ['cloud.tenant-isolation']),
  'L3-CNS2-05': a('g', 'p', 'p', C.estate, '提供开放接口，允许接入第三方安全产品或服务', 'Open interfaces allow third-party security products or services', ['estate.plan-policies']),

  // 安全区域边界 8.2.3
  'L3-ABS2-01': a('k', 'p', 'a', C.estate, '虚拟化网络边界部署访问控制并设规则', 'Access control with rules at virtual network boundaries', ['estate.security-groups', 'estate.network-acls']),
  'L3-ABS2-02': a('k', 'p', 'a', C.estate, '不同等级网络区域边界部署访问控制并设规则', 'Access control with rules between zones of different levels', ['estate.zones']),
  'L3-ABS2-03': a('k', 'p', 'p', C.security, '检测租户发起的网络攻击并记录类型、时间、流量', 'Detect attacks launched by tenants; record type, time and volume', ['security.ips']),
  'L3-ABS2-04': a('k', 'p', 'p', C.security, '检测针对虚拟网络节点的攻击并记录', 'Detect and record attacks on virtual network nodes', ['security.ips']),
  'L3-ABS2-05': a('g', 'p', 'p', C.security, '检测虚拟机与宿主机、虚拟机之间的异常流量', 'Detect abnormal traffic VM-to-host and VM-to-VM', ['security.posture']),
  'L3-ABS2-06': a('g', 'p', 'p', C.security, '检测到攻击或异常流量时告警', 'Alert on detected attacks or abnormal traffic', ['security.posture']),
  'L3-ABS2-07': a('k', 's', 'a', C.audit, '审计服务商与租户远程管理中的特权命令（至少删除、重启虚拟机）', 'Audit privileged remote commands of provider and tenants (at least VM delete and reboot)', ['audit.privileged-commands']),
  'L3-ABS2-08': a('k', 'p', 'a', C.audit, '服务商对租户系统和数据的操作可被租户审计', 'Tenants can audit the provider\'s actions on their systems and data', ['audit.tenant-visibility']),

  // 安全计算环境 8.2.4
  'L3-CES2-01': a('k', 'p', 'p', C.crypto, '远程管理云平台设备时管理终端与平台双向认证', 'Mutual authentication between admin terminals and the platform for remote management', ['crypto.tls', 'identity.mfa-admins']),
  'L3-CES2-02': a('g', 'p', 'a', C.cloud, '虚拟机迁移时访问控制策略随之迁移', 'Access policies follow a VM when it migrates', ['cloud.tenant-isolation']),
  'L3-CES2-03': a('g', 's', 'a', C.cloud, '允许租户设置虚拟机之间的访问控制策略', 'Tenants can set access policies between their VMs', ['estate.security-groups']),
  'L3-CES2-04': a('k', 'p', 'p', C.security, '检测虚拟机间资源隔离失效并告警', 'Detect and alert on broken isolation between VMs', ['security.posture']),
  'L3-CES2-05': a('k', 'p', 'a', C.cloud, '检测非授权新建或重新启用虚拟机并告警', 'Detect and alert on unauthorised creation or re-enabling of VMs', ['cloud.vm-lifecycle']),
  'L3-CES2-06': a('g', 'p', 'p', C.security, '检测恶意代码感染及其在虚拟机间蔓延并告警', 'Detect malware infection and its spread between VMs', ['security.hostsec']),
  'L3-CES2-07': a('g', 'p', 'a', C.cloud, '为重要业务提供加固的系统镜像或加固服务', 'Hardened OS images or hardening for important systems', ['estate.images']),
  'L3-CES2-08': a('k', 'p', 'a', C.crypto, '镜像与快照有完整性校验，防篡改', 'Integrity checks on images and snapshots against tampering', ['estate.images']),
  'L3-CES2-09': a('k', 'p', 'a', C.crypto, '用密码等手段防止镜像快照中敏感资源被非法访问', 'Protect sensitive content of images and snapshots, e.g. by encryption', ['crypto.storage-encryption']),
  'L3-CES2-10': a('k', 'p', 'p', C.site, '租户数据与个人信息存储于境内，出境依规', 'Customer and personal data stay in China; export follows the law', ['cloud.data-location']),
  'L3-CES2-11': a('k', 'p', 'a', C.audit, '仅在租户授权下服务商或第三方才有租户数据管理权限', 'Provider or third parties manage customer data only with the customer\'s authorisation', ['identity.rbac']),
  'L3-CES2-12': a('g', 'p', 'p', C.crypto, '虚拟机迁移中重要数据完整性校验，受损时恢复', 'Integrity of data during VM migration, with recovery on damage', ['crypto.tls']),
  'L3-CES2-13': a('g', 'p', 'a', C.crypto, '支持租户自行部署密钥管理，自行加解密', 'Tenants can run their own key management and encryption', ['crypto.kms']),
  'L3-CES2-14': a('k', 't', 'm', C.tenant, '租户在本地保存业务数据备份', 'Tenants keep a local backup of their business data'),
  'L3-CES2-15': a('g', 'p', 'a', C.cloud, '可查询租户数据及备份的存储位置', 'The location of customer data and backups can be queried', ['cloud.data-location']),
  'L3-CES2-16': a('k', 'p', 'a', C.cloud, '云存储保持多个一致的可用副本', 'Cloud storage keeps several consistent usable replicas', ['estate.replicas']),
  'L3-CES2-17': a('g', 'p', 'p', C.cloud, '为租户迁出到其他平台或本地提供技术手段并协助', 'Provide means and help to migrate out to another cloud or on-premises', ['cloud.export']),
  'L3-CES2-18': a('k', 'p', 'p', C.cloud, '虚拟机内存与存储回收时彻底清除', 'VM memory and storage are wiped when reclaimed', ['cloud.residual-wipe']),
  'L3-CES2-19': a('g', 'p', 'a', C.cloud, '租户删除数据时删除云存储中所有副本', 'Deleting customer data removes every replica', ['cloud.residual-wipe']),

  // 安全管理中心 8.2.5
  'L3-SMC2-01': a('g', 'p', 'a', C.estate, '按策略统一管理调度物理与虚拟资源', 'Physical and virtual resources are scheduled and allocated by policy', ['estate.plan-capacity', 'tenants.quotas']),
  'L3-SMC2-02': a('k', 'p', 'a', C.estate, '平台管理流量与租户业务流量分离', 'Management traffic is separated from tenant traffic', ['estate.mgmt-network']),
  'L3-SMC2-03': a('g', 's', 'a', C.audit, '按职责划分分别收集并集中审计各自的审计数据', 'Provider and tenants each collect and centrally audit their own audit data', ['log-audit.sources']),
  'L3-SMC2-04': a('g', 's', 'p', C.security, '按职责划分集中监测各自的虚拟网络、虚拟机、安全设备', 'Provider and tenants each monitor their virtual networks, VMs and security appliances', ['security.posture']),

  // 安全建设管理 8.2.6 (provisional ids)
  'L3-CMS2-01': a('k', 't', 'm', C.tenant, '选择安全合规的云服务商，其平台具备相应等级能力', 'Choose a compliant cloud provider whose platform matches the system\'s level'),
  'L3-CMS2-02': a('g', 't', 'm', C.docs, 'SLA 规定服务内容与技术指标', 'The SLA states services and technical targets'),
  'L3-CMS2-03': a('g', 't', 'm', C.docs, 'SLA 规定服务商权限与责任（范围、分工、授权、隐私、违约）', 'The SLA sets the provider\'s rights and duties: scope, split, access, privacy, liability'),
  'L3-CMS2-04': a('g', 't', 'm', C.docs, 'SLA 约定到期完整返还数据并承诺清除', 'The SLA requires full data return and deletion at contract end'),
  'L3-CMS2-05': a('g', 't', 'm', C.docs, '与云服务商签署保密协议', 'A confidentiality agreement is signed with the provider'),
  'L3-CMS2-06': a('g', 'p', 'm', C.docs, '供应商选择符合国家规定', 'Suppliers are chosen as national rules require'),
  'L3-CMS2-07': a('g', 'p', 'm', C.docs, '及时向租户通报供应链安全事件与威胁', 'Supply-chain incidents and threats are passed on to tenants promptly'),
  'L3-CMS2-08': a('g', 'p', 'm', C.docs, '供应商重要变更及时通报租户并评估控制风险', 'Major supplier changes are passed on to tenants with risk assessment'),

  // 安全运维管理 8.2.7 (provisional id)
  'L3-MMS2-01': a('k', 'p', 'm', C.site, '运维地点位于境内，境外运维依规', 'Operations are carried out from China; foreign operations follow the law'),
};
