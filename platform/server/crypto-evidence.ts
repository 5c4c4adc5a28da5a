import { defineEvidenceSource, jsonFile, type CheckResult, type EvidenceSource } from '../../compliance';
import type { AuditTrail } from '../../core/audit';
import type { InventoryService } from '../../security/crypto/inventory/inventory-service';

/**
 * 密评 checks over the crypto inventory and the audit trail: which algorithms protect what, the key hierarchy,
 * and whether the log chain holds. D/A/K per assessed object follow the 2021 quantitative rules' reading:
 * D = the mechanism is in place and effective, A = the algorithm is an approved 国密 one, K = keys are managed.
 */
export function cryptoEvidenceSource(deps: { inventory: Pick<InventoryService, 'inventory'>; audit: Pick<AuditTrail, 'verify'> }): EvidenceSource {
  return defineEvidenceSource({
    id: 'crypto',
    room: 'security/crypto',
    checks: [
      {
        key: 'crypto.inventory',
        title: '密码算法与密钥清单（应用和数据层）',
        itemIds: ['MP-AD-01', 'MP-AD-05', 'MP-AD-07', 'MP-AD-08'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const inv = await deps.inventory.inventory();
          const kekExternal = inv.keyHierarchy.kek.source !== 'generated';
          const k = kekExternal ? 1 : 0.5;
          return {
            verdict: kekExternal ? 'pass' : 'partial',
            summary: `国密算法 ${inv.algorithms.length} 项在用；根密钥由 KEK 密封（KEK 来源：${inv.keyHierarchy.kek.source}）${kekExternal ? '' : '，嵌入式默认生成于数据目录，生产环境须由外部提供'}`,
            evidence: { zone: inv.zone, algorithms: inv.algorithms, keyHierarchy: inv.keyHierarchy, masterKeys: inv.masterKeys, certificates: inv.certificates },
            perItem: {
              'MP-AD-01': { verdict: 'pass', summary: '口令以 PBKDF2-HMAC-SM3 存储；第二因素 TOTP 或 GM/T 0021 SM3 动态口令', objects: [{ name: '控制台登录', d: 1, a: 1, k: 1 }] },
              'MP-AD-05': { verdict: kekExternal ? 'pass' : 'partial', summary: 'KMS 信封加密：SM4-CTR + HMAC-SM3，主密钥按租户', objects: [{ name: 'KMS 数据密钥', d: 1, a: 1, k }] },
              'MP-AD-07': { verdict: kekExternal ? 'pass' : 'partial', summary: '存储完整性：HMAC-SM3 标签、SM2 签名', objects: [{ name: 'KMS 密文与签名信封', d: 1, a: 1, k }] },
              'MP-AD-08': { verdict: 'partial', summary: '签名服务提供 SM2 分离签名（yiyun-sig/1）；业务系统接入由测评确认', objects: [{ name: '签名服务', d: 0.5, a: 1, k }] },
            },
            objects: [{ name: '医云控制面', d: 1, a: 1, k }],
            files: [jsonFile('crypto-inventory.json', inv)],
          };
        },
      },
      {
        key: 'crypto.log-integrity',
        title: '日志记录完整性（SM3 链与 SM2 签名检查点）',
        itemIds: ['MP-DC-05'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const v = await deps.audit.verify();
          return {
            verdict: v.ok ? 'pass' : 'fail',
            summary: v.ok ? `审计记录 ${v.records} 条，SM3 链完整，${v.checkpoints} 个 SM2 检查点有效` : `审计链在第 ${v.firstBad!.seq} 条断裂`,
            evidence: { ...v },
            objects: [{ name: '审计日志', d: v.ok ? 1 : 0, a: 1, k: 1 }],
            ...(v.ok ? {} : { risk: 'high' as const }),
          };
        },
      },
    ],
  });
}
