import { a, type Annotation } from './catalogue-schemas';

/**
 * 密评 level 3 (GB/T 39786-2021 chapter 8): our paraphrases and annotations for the 41 units. Importance here only
 * labels; the numeric weight is the 2021 unit weight from the structure file (technical units) or 1.0 for
 * management units, whose weights no public source gives (say so wherever a score is shown).
 */
const P = {
  site: '机房门禁与视频监控系统的密码应用，须现场核查 (the machine room\'s access-control and CCTV systems: on-site)',
  tls: 'TLCP/TLS 国密套件与证书由密码房间清单与实测自动核验 (GM TLS suites and certificates verified from the inventory and a live probe)',
  device: '设备登录与远程管理通道的密码应用，平台部分自动、物理设备人工 (device login and remote channels: platform automated, hardware by hand)',
  app: '应用层密码应用（鉴别、传输、存储、签名）由密码与身份房间检查 (application-layer cryptography checked by the crypto and identity rooms)',
  docs: '密码管理制度、方案与记录，经人工表单上传 (cryptography rules, plans and records, uploaded)',
} as const;

export const MIPING_ANNOTATIONS: Record<string, Annotation> = {
  'MP-PE-01': a('k', 'p', 'm', P.site, '进入机房人员的身份用密码技术鉴别（如国密门禁卡）', 'Identities of people entering the machine room are authenticated cryptographically'),
  'MP-PE-02': a('g', 'p', 'm', P.site, '门禁进出记录以密码技术保护存储完整性', 'Access-control logs are integrity-protected with cryptography'),
  'MP-PE-03': a('g', 'p', 'm', P.site, '视频监控记录以密码技术保护存储完整性', 'CCTV recordings are integrity-protected with cryptography'),
  'MP-NC-01': a('k', 's', 'a', P.tls, '通信双方用密码技术鉴别身份（国密 TLS/IPSec）', 'Communicating peers authenticate each other cryptographically (GM TLS/IPSec)', ['crypto.tls']),
  'MP-NC-02': a('g', 's', 'a', P.tls, '通信数据完整性用密码技术保护', 'Integrity of communication data by cryptography', ['crypto.tls']),
  'MP-NC-03': a('k', 's', 'a', P.tls, '通信中重要数据机密性用密码技术保护', 'Confidentiality of important data in transit by cryptography', ['crypto.tls']),
  'MP-NC-04': a('g', 'p', 'p', P.device, '网络边界访问控制信息完整性用密码技术保护', 'Integrity of boundary access-control data by cryptography', ['crypto.inventory', 'estate.plan-policies']),
  'MP-NC-05': a('m', 'p', 'p', P.device, '可对接入内网的设备做密码身份认证', 'Devices joining the internal network may be authenticated cryptographically', ['crypto.inventory']),
  'MP-DC-01': a('k', 'p', 'a', P.device, '登录设备的用户用密码技术鉴别身份', 'Users logging into devices are authenticated cryptographically', ['identity.mfa-admins', 'security.bastion']),
  'MP-DC-02': a('k', 'p', 'a', P.device, '远程管理通道用密码技术建立安全信道', 'Remote management uses a cryptographically secured channel', ['crypto.tls', 'security.bastion']),
  'MP-DC-03': a('g', 'p', 'p', P.device, '系统资源访问控制信息完整性用密码技术保护', 'Integrity of system access-control data by cryptography', ['crypto.inventory']),
  'MP-DC-04': a('g', 'p', 'p', P.device, '重要资源安全标记完整性用密码技术保护', 'Integrity of security labels on important resources by cryptography', ['crypto.inventory']),
  'MP-DC-05': a('g', 'p', 'a', P.device, '日志记录完整性用密码技术保护（SM3 链与 SM2 签名）', 'Integrity of logs by cryptography (SM3 chain, SM2-signed checkpoints)', ['crypto.log-integrity']),
  'MP-DC-06': a('g', 'p', 'p', P.device, '重要可执行程序完整性与来源真实性用密码技术保护', 'Integrity and origin of important executables by cryptography (signed images)', ['estate.images', 'crypto.inventory']),
  'MP-AD-01': a('k', 's', 'a', P.app, '应用用户用密码技术鉴别身份', 'Application users are authenticated cryptographically', ['identity.mfa-admins', 'identity.password-policy', 'crypto.inventory']),
  'MP-AD-02': a('g', 's', 'p', P.app, '应用访问控制信息完整性用密码技术保护', 'Integrity of application access-control data by cryptography', ['crypto.inventory']),
  'MP-AD-03': a('g', 's', 'p', P.app, '应用重要资源安全标记完整性用密码技术保护', 'Integrity of application security labels by cryptography', ['crypto.inventory']),
  'MP-AD-04': a('k', 's', 'a', P.app, '重要数据传输机密性用密码技术保护', 'Confidentiality of important data in transit by cryptography', ['crypto.tls']),
  'MP-AD-05': a('k', 's', 'a', P.app, '重要数据存储机密性用密码技术保护（SM4）', 'Confidentiality of important data at rest by cryptography (SM4)', ['crypto.storage-encryption']),
  'MP-AD-06': a('g', 's', 'a', P.app, '重要数据传输完整性用密码技术保护', 'Integrity of important data in transit by cryptography', ['crypto.tls']),
  'MP-AD-07': a('g', 's', 'a', P.app, '重要数据存储完整性用密码技术保护（HMAC-SM3/签名）', 'Integrity of important data at rest by cryptography (HMAC-SM3, signatures)', ['crypto.inventory', 'audit.chain-verifies']),
  'MP-AD-08': a('k', 's', 'p', P.app, '需要时用数字签名实现行为的不可否认', 'Non-repudiation of actions by digital signatures where required', ['crypto.inventory']),
  'MP-PO-01': a('g', 'p', 'm', P.docs, '建立密码应用安全管理制度', 'Rules for the secure use of cryptography'),
  'MP-PO-02': a('g', 'p', 'm', P.docs, '制定密钥全生命周期管理规则', 'Key-management rules for the whole key life cycle'),
  'MP-PO-03': a('g', 'p', 'm', P.docs, '为密码相关岗位制定操作规程', 'Operating procedures for cryptography-related posts'),
  'MP-PO-04': a('g', 'p', 'm', P.docs, '定期论证并修订密码管理制度', 'Cryptography rules are reviewed and revised regularly'),
  'MP-PO-05': a('g', 'p', 'm', P.docs, '密码管理制度按流程正式发布并控版本', 'Cryptography rules are formally issued under version control'),
  'MP-PO-06': a('g', 'p', 'p', P.docs, '留存密码管理执行记录', 'Records of cryptography operations are kept', ['crypto.inventory', 'audit.coverage']),
  'MP-PM-01': a('g', 'p', 'm', P.docs, '相关人员了解并遵守密码法规与制度', 'Staff know and follow cryptography law and rules'),
  'MP-PM-02': a('g', 'p', 'p', P.docs, '建立密码岗位责任制，关键岗位分离', 'Defined cryptography posts with separation of key duties', ['identity.separation-of-duties']),
  'MP-PM-03': a('g', 'p', 'm', P.docs, '上岗前进行密码培训', 'Cryptography training before taking a post'),
  'MP-PM-04': a('g', 'p', 'm', P.docs, '定期考核密码岗位人员', 'Periodic assessment of cryptography staff'),
  'MP-PM-05': a('g', 'p', 'm', P.docs, '密码岗位人员调离时交接并履行保密', 'Hand-over and confidentiality when cryptography staff leave'),
  'MP-CO-01': a('k', 'p', 'm', P.docs, '建设前制定并评估密码应用方案', 'A cryptography application plan is written and reviewed before building'),
  'MP-CO-02': a('g', 'p', 'p', P.docs, '按方案确定密钥安全管理策略', 'Key-management strategy follows the plan', ['crypto.kms']),
  'MP-CO-03': a('g', 'p', 'm', P.docs, '按方案制定实施方案', 'An implementation plan follows the application plan'),
  'MP-CO-04': a('k', 'p', 'm', P.docs, '投入运行前完成密码应用安全性评估', 'A cryptography assessment is passed before going live'),
  'MP-CO-05': a('g', 'p', 'm', P.docs, '运行中定期评估并开展攻防演练', 'Periodic assessment and attack-defence drills during operation'),
  'MP-ER-01': a('g', 'p', 'm', P.docs, '制定密码应用应急策略与预案', 'A cryptography incident strategy and plan'),
  'MP-ER-02': a('g', 'p', 'm', P.docs, '发生密码安全事件时按预案处置', 'Cryptography incidents are handled according to the plan'),
  'MP-ER-03': a('g', 'p', 'm', P.docs, '事件处置后向主管部门报告情况', 'Incidents and their handling are reported to the authorities'),
};
