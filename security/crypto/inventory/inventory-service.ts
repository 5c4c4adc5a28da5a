import { z } from 'zod';
import { defineRoute, type RouteDef } from '../../../core/http';
import type { CaService } from '../ca/ca-service';
import type { FerryService } from '../ferry/ferry-service';
import type { Keyring } from '../kms/kms-keyring';
import type { KmsService } from '../kms/kms-service';

/** Every algorithm yiyun uses, what for and where: the 密评 inventory an assessor asks for first. */
export const ALGORITHMS = [
  { algorithm: 'SM2 签名 (SM2-with-SM3, ID 1234567812345678)', standard: 'GB/T 32918.2, GM/T 0009', oid: '1.2.156.10197.1.501', use: '证书签发、CRL、签名服务、摆渡包签名、审计检查点签名', where: 'security/crypto (ca, signing, ferry); core/audit', implementation: 'core/crypto (own SM2 arithmetic, verified against GB/T 32918 vectors and OpenSSL)' },
  { algorithm: 'SM2 加密 (C1C3C2)', standard: 'GB/T 32918.4', oid: '1.2.156.10197.1.301.3', use: 'BYOK 密钥导入封装；双证书加密私钥信封', where: 'security/crypto/kms, ca', implementation: 'core/crypto' },
  { algorithm: 'SM3', standard: 'GB/T 32905', oid: '1.2.156.10197.1.401', use: '摘要：审计链、摆渡清单、签名信封、证书密钥标识', where: 'core/audit, security/crypto', implementation: 'node:crypto (OpenSSL 3.0)' },
  { algorithm: 'HMAC-SM3', standard: 'GB/T 15852.2 + GB/T 32905', oid: null, use: '数据完整性 (SM4-CTR+HMAC-SM3 封装标签)、密钥派生', where: 'security/crypto/kms, platform/server (本地密封)', implementation: 'node:crypto' },
  { algorithm: 'PBKDF2-HMAC-SM3', standard: 'RFC 8018 + SM3', oid: null, use: '口令存储', where: 'platform/identity', implementation: 'node:crypto' },
  { algorithm: 'SM4-CTR + HMAC-SM3', standard: 'GB/T 32907', oid: '1.2.156.10197.1.104.7', use: 'KMS 信封加密 (密文格式 v1)、根密钥/主密钥/私钥密封', where: 'security/crypto/kms', implementation: 'node:crypto' },
  { algorithm: 'SM4-GCM', standard: 'GB/T 32907, RFC 8998', oid: '1.2.156.10197.1.104.8', use: '可选 AEAD', where: 'core/crypto', implementation: 'sm-crypto-v2' },
  { algorithm: 'SM3 动态口令 (OTP)', standard: 'GM/T 0021', oid: null, use: '硬件令牌第二因素', where: 'core/crypto/sm3-otp; platform/identity（硬件令牌登记与登录）', implementation: 'core/crypto' },
] as const;

export type InventoryDeps = { kms: Pick<KmsService, 'stateCounts'>; ca: Pick<CaService, 'authorities' | 'counts' | 'serviceIdentities'>; ferry: Pick<FerryService, 'flows'>; keyring: Pick<Keyring, 'zone' | 'kek'> };

/** The crypto inventory: algorithms, keys by state, CAs, certificates, service identities, the KEK's source. */
export function createInventoryService(deps: InventoryDeps) {
  return {
    async inventory() {
      const [keys, authorities, certs, identities] = await Promise.all([deps.kms.stateCounts(), deps.ca.authorities(), deps.ca.counts(), deps.ca.serviceIdentities()]);
      return {
        zone: deps.keyring.zone,
        algorithms: ALGORITHMS.map((a) => ({ ...a })),
        keyHierarchy: {
          kek: { id: deps.keyring.kek.id, source: deps.keyring.kek.source, note: deps.keyring.kek.source === 'generated' ? '嵌入式默认：KEK 生成于数据目录 keys/kms-kek.key (0600)；生产环境应由外部提供 (YIYUN_KMS_KEK_FILE)' : '由外部提供' },
          rootKey: { zone: deps.keyring.zone, sealedBy: deps.keyring.kek.id, algorithm: 'SM4-CTR + HMAC-SM3 (256-bit)' },
        },
        masterKeys: keys.map((k) => ({ state: k.state, origin: k.origin, count: Number(k.n) })),
        authorities: authorities.map((a) => ({ zone: a.zone, kind: a.kind, subject: a.subject, serial: a.serial, notAfter: a.notAfter, crlNumber: a.crlNumber })),
        certificates: certs.map((c) => ({ usage: c.usage, status: c.status, count: Number(c.n) })),
        serviceIdentities: identities.map((i) => ({ zone: i.zone, name: i.name, certificateId: i.certificate_id })),
        ferryFlows: deps.ferry.flows(),
      };
    },
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;

/** GET /api/crypto/inventory (crypto.read). */
export function inventoryRoutes(inv: InventoryService): RouteDef[] {
  return [
    defineRoute({ method: 'get', path: '/api/crypto/inventory', tag: 'crypto', summary: '密评 crypto inventory: algorithms, keys, certificates and where they are used', access: 'crypto.read', response: z.record(z.string(), z.unknown()), handler: () => inv.inventory() }),
  ];
}
