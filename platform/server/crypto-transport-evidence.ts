import { combineVerdicts, csvFile, type AssessedObject, type CheckDefinition, type CheckResult, type ItemOutcome, type Verdict } from '../../compliance';
import { mipingVerdict } from './miping-verdict';

/**
 * One channel data crosses, as configured and (where yiyun can reach it) as observed. Built by
 * crypto-transport-facts.ts from the settings, the certificates and a handshake; judged here.
 */
export type TransportChannel = {
  name: string;
  /** What crosses it, in the assessor's words. */
  what: string;
  /** `admin`: administrators' sessions and credentials; `data`: business, personal or audit data. */
  carries: ReadonlyArray<'admin' | 'data'>;
  /** `in-process` and `loopback` channels never cross a network and are left out of the judgement. */
  exposure: 'network' | 'loopback' | 'in-process';
  /**
   * `unverified`: something protects it that yiyun cannot observe (a TLS-terminating gateway in front, an opportunistic
   * upgrade) — counted half until the assessor confirms it; `signed-file`: SM2-signed files through the gatekeeper.
   */
  protection: 'none' | 'tls' | 'tlcp' | 'ssh' | 'signed-file' | 'unverified';
  confidentiality: boolean;
  integrity: boolean;
  /** The peer proves who it is with a key (certificate, host key, signature). */
  peerAuth: boolean;
  /** Only 国密 algorithms (SM2/SM3/SM4 suites, TLCP, SM2-signed files). */
  gm: boolean;
  /** Whose keys: certified by our zone CA, or from elsewhere (a public CA, a self-made host key), or none. */
  keys: 'own-ca' | 'other' | 'none';
  detail: Record<string, unknown>;
};

type Property = 'confidentiality' | 'integrity' | 'peerAuth';

/** One channel's D/A/K for a property: D the mechanism, A 国密 algorithms, K keys from our CA. */
export function channelObject(c: TransportChannel, p: Property): AssessedObject {
  const d = c.protection === 'unverified' ? 0.5 : c.protection !== 'none' && c[p] ? 1 : 0;
  return {
    name: c.name,
    d,
    a: d > 0 && c.gm ? 1 : 0,
    k: d === 0 ? 0 : c.keys === 'own-ca' ? 1 : c.keys === 'other' ? 0.5 : 0,
    note: `${c.what}；保护：${c.protection}`,
  };
}

const dengbao = (os: readonly AssessedObject[]): Verdict => (os.length === 0 ? 'na' : os.some((o) => o.d === 0) ? 'fail' : os.every((o) => o.d === 1) ? 'pass' : 'partial');
const miping = (os: readonly AssessedObject[]): Verdict => (os.length === 0 ? 'na' : mipingVerdict(os));

/** Which channels and which property each item is about. */
const ITEMS: Record<string, { scope: 'network' | 'admin'; property: Property; scheme: 'dengbao' | 'miping'; zh: string }> = {
  'L3-CNS1-06': { scope: 'network', property: 'integrity', scheme: 'dengbao', zh: '通信完整性' },
  'L3-CNS1-07': { scope: 'network', property: 'confidentiality', scheme: 'dengbao', zh: '通信保密性' },
  'L3-CES1-03': { scope: 'admin', property: 'confidentiality', scheme: 'dengbao', zh: '远程管理鉴别信息防窃听' },
  'L3-CES1-25': { scope: 'network', property: 'integrity', scheme: 'dengbao', zh: '重要数据传输完整性' },
  'L3-CES1-27': { scope: 'network', property: 'confidentiality', scheme: 'dengbao', zh: '重要数据传输保密性' },
  'MP-NC-01': { scope: 'network', property: 'peerAuth', scheme: 'miping', zh: '通信实体身份鉴别' },
  'MP-NC-02': { scope: 'network', property: 'integrity', scheme: 'miping', zh: '通信数据完整性' },
  'MP-NC-03': { scope: 'network', property: 'confidentiality', scheme: 'miping', zh: '通信数据机密性' },
  'MP-DC-02': { scope: 'admin', property: 'confidentiality', scheme: 'miping', zh: '远程管理安全信道' },
  'MP-AD-04': { scope: 'network', property: 'confidentiality', scheme: 'miping', zh: '重要数据传输机密性' },
  'MP-AD-06': { scope: 'network', property: 'integrity', scheme: 'miping', zh: '重要数据传输完整性' },
};

/** Judges every item from the channels; pure, so each configuration can be tested. */
export function judgeTransport(channels: readonly TransportChannel[]): Record<string, ItemOutcome> {
  const out: Record<string, ItemOutcome> = {};
  for (const [id, spec] of Object.entries(ITEMS)) {
    const relevant = channels.filter(
      (c) =>
        c.exposure === 'network' &&
        (spec.scope === 'admin' ? c.carries.includes('admin') : true) &&
        // Ferried files cross the gatekeeper as signed media, not over a network session: they answer integrity and origin only.
        !(c.protection === 'signed-file' && spec.property === 'confidentiality'),
    );
    // A remote-management channel needs all three properties at once.
    const objects = relevant.map((c) => {
      if (id !== 'MP-DC-02') return channelObject(c, spec.property);
      const parts = (['confidentiality', 'integrity', 'peerAuth'] as const).map((p) => channelObject(c, p));
      return { ...parts[0]!, d: Math.min(...parts.map((o) => o.d)), a: Math.min(...parts.map((o) => o.a)), k: Math.min(...parts.map((o) => o.k)) };
    });
    const verdict = spec.scheme === 'dengbao' ? dengbao(objects) : miping(objects);
    const weak = objects.filter((o) => (spec.scheme === 'dengbao' ? o.d < 1 : o.d < 1 || o.a < 1 || o.k < 1));
    out[id] = {
      verdict,
      summary: objects.length === 0
        ? `${spec.zh}：没有跨网络的相关信道`
        : weak.length === 0
          ? `${spec.zh}：${objects.map((o) => o.name).join('、')} 均满足`
          : `${spec.zh}：${weak.map((o) => `${o.name}(D=${o.d} A=${o.a} K=${o.k})`).join('、')} 不满足或未核实`,
      ...(spec.scheme === 'miping' ? { objects } : {}),
      // Administrators' credentials in clear over a network: the 高风险 case of the guidance.
      ...(id === 'L3-CES1-03' && verdict === 'fail' ? { risk: 'high' as const } : {}),
    };
  }
  return out;
}

/** crypto.tls: which channels are protected, how (TLS, TLCP, SSH, signed files), with which keys. */
export function tlsCheck(deps: { channels(signal: AbortSignal): Promise<TransportChannel[]> }): CheckDefinition {
  return {
    key: 'crypto.tls',
    title: '通信传输保护：TLS/TLCP、SSH、签名摆渡与证书来源',
    itemIds: Object.keys(ITEMS),
    kind: 'automated',
    async run(ctx): Promise<CheckResult> {
      const channels = await deps.channels(ctx.signal);
      const perItem = judgeTransport(channels);
      const headline = combineVerdicts(Object.values(perItem).map((o) => o.verdict));
      const network = channels.filter((c) => c.exposure === 'network');
      return {
        // Kept as before: with no cross-network channel at all (every item 不适用) the headline reads 符合.
        verdict: headline === null || headline === 'na' ? 'pass' : headline,
        summary: `信道 ${channels.length} 条（跨网络 ${network.length}）：${network.map((c) => `${c.name}=${c.protection}${c.gm ? '/国密' : ''}`).join('、')}`,
        evidence: { channels },
        perItem,
        files: [
          csvFile('transport-channels.csv', [
            ['name', 'what', 'exposure', 'protection', 'confidentiality', 'integrity', 'peer_auth', 'gm', 'keys'],
            ...channels.map((c) => [c.name, c.what, c.exposure, c.protection, c.confidentiality, c.integrity, c.peerAuth, c.gm, c.keys]),
          ]),
        ],
      };
    },
  };
}
