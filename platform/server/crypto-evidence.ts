import { allPages, combineVerdicts, csvFile, defineEvidenceSource, jsonFile, type AssessedObject, type CheckResult, type EvidenceSource, type Verdict } from '../../compliance';
import type { AuditTrail } from '../../core/audit';
import { systemActor } from '../../core/authz';
import type { InventoryService } from '../../security/crypto/inventory/inventory-service';
import type { KeyView } from '../../security/crypto/kms/kms-schemas';
import type { KmsService } from '../../security/crypto/kms/kms-service';
import { storageEncryptionCheck, type StorageFacts } from './crypto-storage-evidence';
import { tlsCheck, type TransportChannel } from './crypto-transport-evidence';
import { mipingVerdict, share } from './miping-verdict';

const DAY = 86_400_000;
/** A master key should get a new version at least yearly (the 密评 key-lifecycle expectation for symmetric keys). */
const MAX_ROTATION_DAYS = 365;

/** How users authenticate, counted from the accounts (identity's DAL, read through platform/server). */
export type AuthFactorFacts = {
  /** Active accounts by kind: administrators (roles that require a second factor) and the others. */
  groups: Array<{ name: string; active: number; withTotp: number; withSm3Otp: number; passwordPbkdf2Sm3: number }>;
  /** Where the TOTP and OTP-token seeds are sealed: a key file beside the data, or the KMS. */
  seedSealing: 'local-file' | 'kms' | 'none';
};

export type CryptoEvidenceDeps = {
  inventory: Pick<InventoryService, 'inventory'>;
  audit: Pick<AuditTrail, 'verify'>;
  authFactors(): Promise<AuthFactorFacts>;
  kms: Pick<KmsService, 'list'>;
  /** Roles (name, scope) that hold a permission, from identity's role table. */
  rolesWith(permission: string): Array<{ role: string; scope: 'platform' | 'tenant' }>;
  transport(signal: AbortSignal): Promise<TransportChannel[]>;
  storage(): Promise<StorageFacts>;
};

/** MP-AD-01 per group of accounts: D = share with a cryptographic second factor, A = share of those on 国密 (SM3 OTP), K = seed sealing. */
function loginObjects(f: AuthFactorFacts): AssessedObject[] {
  const k = f.seedSealing === 'kms' ? 1 : f.seedSealing === 'local-file' ? 0.5 : 0;
  return f.groups
    .filter((g) => g.active > 0)
    .map((g) => {
      const withFactor = g.withTotp + g.withSm3Otp;
      return {
        name: `控制台登录（${g.name}）`,
        d: share(withFactor, g.active),
        a: share(g.withSm3Otp, withFactor),
        k: withFactor ? k : 0,
        note: `${g.active} 个在用账户：TOTP（HMAC-SHA1，非国密）${g.withTotp}、GM/T 0021 SM3 动态口令 ${g.withSm3Otp}；口令 PBKDF2-HMAC-SM3 存储 ${g.passwordPbkdf2Sm3}；种子密封：${f.seedSealing}`,
      };
    });
}

/** 密评 checks over the crypto inventory, the key management, transport and storage encryption, and the log chain. */
export function cryptoEvidenceSource(deps: CryptoEvidenceDeps): EvidenceSource {
  const actor = systemActor('compliance');
  return defineEvidenceSource({
    id: 'crypto',
    room: 'security/crypto',
    checks: [
      {
        key: 'crypto.inventory',
        title: '密码算法与密钥清单（应用和数据层）',
        itemIds: ['MP-AD-01', 'MP-AD-07', 'MP-AD-08'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const [inv, factors] = await Promise.all([deps.inventory.inventory(), deps.authFactors()]);
          const kekExternal = inv.keyHierarchy.kek.source !== 'generated';
          const k = kekExternal ? 1 : 0.5;
          const login = loginObjects(factors);
          const signingIdentities = inv.serviceIdentities.length;
          const validSigning = inv.certificates.filter((c) => c.usage === 'signing' && c.status === 'valid').reduce((n, c) => n + c.count, 0);
          const storageObjects: AssessedObject[] = [{ name: 'KMS 密文与签名信封', d: 1, a: 1, k, note: 'SM4-CTR + HMAC-SM3 标签；SM2 签名信封' }];
          const signingObjects: AssessedObject[] = [{ name: '签名服务', d: signingIdentities > 0 && validSigning > 0 ? 1 : 0, a: 1, k, note: `已认证服务身份 ${signingIdentities} 个，有效签名证书 ${validSigning} 张` }];
          const loginVerdict = mipingVerdict(login);
          return {
            verdict: combineVerdicts([loginVerdict, mipingVerdict(storageObjects), signingObjects[0]!.d ? 'partial' : 'fail']) ?? 'na',
            summary: `国密算法 ${inv.algorithms.length} 项在用；根密钥由 KEK 密封（KEK 来源：${inv.keyHierarchy.kek.source}）${kekExternal ? '' : '，嵌入式默认生成于数据目录，生产环境须由外部提供'}`,
            evidence: { zone: inv.zone, algorithms: inv.algorithms, keyHierarchy: inv.keyHierarchy, masterKeys: inv.masterKeys, certificates: inv.certificates, serviceIdentities: inv.serviceIdentities, authFactors: factors },
            perItem: {
              'MP-AD-01': {
                verdict: loginVerdict,
                summary: loginVerdict === 'pass' ? '全部在用账户以国密动态口令作第二因素' : `第二因素覆盖与算法：${login.map((o) => `${o.name} D=${o.d} A=${o.a} K=${o.k}`).join('；') || '无在用账户'}（TOTP 为 HMAC-SHA1，不计为国密算法）`,
                objects: login,
              },
              'MP-AD-07': { verdict: mipingVerdict(storageObjects), summary: `存储完整性：HMAC-SM3 标签、SM2 签名；KEK ${kekExternal ? '外部提供' : '生成于数据目录'}`, objects: storageObjects },
              // Business systems' use of signatures is outside yiyun: at best 部分符合 until the assessor confirms it.
              'MP-AD-08': { verdict: signingObjects[0]!.d ? 'partial' : 'fail', summary: `签名服务提供 SM2 分离签名（yiyun-sig/1），已认证服务身份 ${signingIdentities} 个；业务系统接入由测评确认`, objects: signingObjects },
            },
            files: [jsonFile('crypto-inventory.json', inv)],
          };
        },
      },
      {
        key: 'crypto.log-integrity',
        title: '日志记录完整性（SM3 链与 SM2 签名检查点）',
        itemIds: ['MP-DC-05', 'L3-CES1-26'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const v = await deps.audit.verify();
          const d = v.ok ? 1 : 0;
          // K: the chain's checkpoints carry SM2 signatures; without any, nothing binds the chain to a key.
          const k = v.checkpoints > 0 ? 1 : 0.5;
          const objects = [{ name: '审计日志', d, a: 1, k }];
          const summary = v.ok ? `审计记录 ${v.records} 条，SM3 链完整，${v.checkpoints} 个 SM2 检查点有效` : `审计链在第 ${v.firstBad!.seq} 条断裂`;
          return {
            verdict: mipingVerdict(objects),
            summary,
            evidence: { ...v },
            objects,
            ...(v.ok ? {} : { risk: 'high' as const }),
            perItem: {
              // Audit data and KMS ciphertexts carry SM3/HMAC-SM3 integrity; business data sits in tenants' systems, checked on site.
              'L3-CES1-26': { verdict: v.ok ? 'partial' : 'fail', summary: `${summary}；KMS 密文带 HMAC-SM3 标签；业务系统数据的存储完整性由测评现场核查` },
            },
          };
        },
      },
      {
        key: 'crypto.kms',
        title: '密钥管理：密钥层次、主密钥轮换、租户自管密钥',
        itemIds: ['L3-CES2-13', 'MP-CO-02'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const [inv, keys] = await Promise.all([deps.inventory.inventory(), allKeys(deps.kms, actor)]);
          const kekExternal = inv.keyHierarchy.kek.source !== 'generated';
          const live = keys.filter((k) => k.state === 'enabled');
          const rotatable = live.filter((k) => k.origin === 'kms');
          const unrotated = rotatable.filter((k) => k.rotationDays === null || k.rotationDays > MAX_ROTATION_DAYS);
          // More than a day past its rotation time: the scheduler is not running.
          const overdue = rotatable.filter((k) => k.nextRotationAt && ctx.now.getTime() - new Date(k.nextRotationAt).getTime() > DAY);
          const tenantManagers = deps.rolesWith('kms.manage').filter((r) => r.scope === 'tenant');
          const tenantUsers = deps.rolesWith('kms.use').filter((r) => r.scope === 'tenant');
          const tenantKeys = keys.filter((k) => k.tenantId !== null && k.state !== 'deleted');
          const byok = tenantKeys.filter((k) => k.origin === 'external');
          const objects: AssessedObject[] = [
            { name: '密钥层次（KEK → 根密钥 → 主密钥）', d: 1, a: 1, k: kekExternal ? 1 : 0.5, note: `KEK 来源 ${inv.keyHierarchy.kek.source}` },
            // No master key yet: nothing to rotate, so nothing is missing.
            { name: '主密钥轮换', d: rotatable.length ? share(rotatable.length - unrotated.length, rotatable.length) : 1, a: 1, k: rotatable.length ? share(rotatable.length - overdue.length, rotatable.length) : 1, note: `在用 KMS 主密钥 ${rotatable.length} 个，未设 ≤${MAX_ROTATION_DAYS} 天轮换 ${unrotated.length} 个，轮换逾期 ${overdue.length} 个` },
          ];
          const co02: Verdict = overdue.length ? 'fail' : mipingVerdict(objects);
          const ces2_13: Verdict = tenantManagers.length && tenantUsers.length ? 'pass' : 'fail';
          return {
            verdict: combineVerdicts([co02, ces2_13]) ?? 'na',
            summary: `主密钥 ${keys.length} 个（在用 ${live.length}，租户 ${tenantKeys.length}，其中自带密钥 BYOK ${byok.length}）；KEK ${kekExternal ? '外部提供' : '生成于数据目录'}；未设轮换 ${unrotated.length}、轮换逾期 ${overdue.length}`,
            evidence: {
              kek: inv.keyHierarchy.kek,
              keys: keys.length,
              enabled: live.length,
              withoutRotation: unrotated.map((k) => ({ id: k.id, alias: k.alias, tenantId: k.tenantId, rotationDays: k.rotationDays })),
              overdueRotation: overdue.map((k) => ({ id: k.id, alias: k.alias, nextRotationAt: k.nextRotationAt })),
              tenantKeyManagers: tenantManagers,
              tenantKeys: tenantKeys.length,
              byokKeys: byok.length,
              separation: 'keys are scoped to one tenant (or the platform); a tenant actor sees and uses only its own',
            },
            ...(overdue.length ? { risk: 'medium' as const } : {}),
            perItem: {
              'L3-CES2-13': {
                verdict: ces2_13,
                summary: ces2_13 === 'pass'
                  ? `租户管理员可自建、轮换、导入（BYOK，SM2 封装）并使用自己的 SM4 主密钥，加解密自行完成；租户主密钥 ${tenantKeys.length} 个，BYOK ${byok.length} 个`
                  : '没有租户角色能管理或使用自己的密钥',
              },
              'MP-CO-02': {
                verdict: co02,
                summary: `KEK ${kekExternal ? '外部提供' : '嵌入式默认生成于数据目录'}；在用主密钥 ${rotatable.length} 个，未设轮换 ${unrotated.length}，逾期 ${overdue.length}；删除设 7–30 天等待期后销毁密钥材料`,
                objects,
              },
            },
            files: [csvFile('kms-keys.csv', [['id', 'alias', 'tenant_id', 'origin', 'state', 'version', 'rotation_days', 'next_rotation_at'], ...keys.map((k) => [k.id, k.alias, k.tenantId, k.origin, k.state, k.currentVersion, k.rotationDays, k.nextRotationAt ? new Date(k.nextRotationAt).toISOString() : ''])])],
          };
        },
      },
      tlsCheck({ channels: deps.transport }),
      storageEncryptionCheck({ facts: deps.storage }),
    ],
  });
}

function allKeys(kms: Pick<KmsService, 'list'>, actor: ReturnType<typeof systemActor>): Promise<KeyView[]> {
  return allPages((offset, limit) => kms.list(actor, { offset, limit } as Parameters<KmsService['list']>[1]));
}
