import path from 'node:path';
import { systemActor } from '../../core/authz';
import {
  caRoutes,
  createCaDal,
  createCaService,
  createFerryDal,
  createFerryService,
  createInventoryService,
  createKmsDal,
  createKmsService,
  createSigningService,
  createUsageRecorder,
  cryptoModule,
  ferryRoutes,
  inventoryRoutes,
  kmsRoutes,
  loadKek,
  openKeyring,
  signingRoutes,
  type FerrySource,
} from '../../security/crypto';
import type { RoomWiring } from './room';
import { cryptoEvidenceSource } from './crypto-evidence';
import { cryptoEvidenceDeps } from './crypto-evidence-deps';
import { kmsDiskKeys } from './disk-keys';
import { estateFlows, shortZoneOf } from './estate-flows';

const ZONES = ['liangcheng-dmz', 'liangcheng-internet'];

/** security/crypto: KMS, CA, signing service, gatekeeper ferry, crypto inventory. */
export const cryptoWiring: RoomWiring = {
  name: 'crypto',
  modules: [cryptoModule()],
  async build(base) {
    const { db, settings, audit, logger } = base;
    const stack = settings.YIYUN_ZONE;
    const kek = loadKek({ env: settings.YIYUN_KMS_KEK, file: settings.YIYUN_KMS_KEK_FILE, dataDir: settings.YIYUN_DATA_DIR });
    const kmsDal = createKmsDal(db);
    const keyring = await openKeyring({ db, kek, zone: stack, dal: kmsDal });
    const usage = createUsageRecorder({ db, dal: kmsDal, audit, logger });
    const kms = createKmsService({ db, dal: kmsDal, audit, keyring, usage, tenants: base.tenants });
    const ca = createCaService({ db, dal: createCaDal(db), audit, keyring, crlUrl: () => `${settings.YIYUN_PUBLIC_ORIGIN ?? `http://${settings.HOST}:${settings.PORT}`}/api/ca/crl` });
    // The embedded default runs both zones' CAs in one database; each zone's own deployment creates only its own.
    const boot = systemActor('crypto-bootstrap');
    for (const z of ZONES.includes(stack) ? ZONES : [stack]) await ca.ensureZone(boot, z);
    const signing = createSigningService({ ca, audit, zone: stack });
    // The audit signer: the zone CA certifies the existing key file's pair ("audit-signer"), so checkpoints signed
    // before this certificate existed verify with the same key; from now on they also carry the chain (yiyun-sig/1).
    const auditSigning = createSigningService({ ca, audit, zone: stack, identityName: 'audit-signer', key: base.signer.keySigner });
    base.signer.use(await auditSigning.checkpointSigner());
    const { flows } = estateFlows();
    const short = shortZoneOf(stack);
    const ferrySigning = createSigningService({ ca, audit, zone: stack, identityName: 'ferry' });
    const sources: Record<string, FerrySource> = {
      // The audit trail after the last ferried record, as NDJSON.
      'internet-audit-logs': {
        async collect(cursor) {
          const after = Number(cursor ?? 0);
          const records = await audit.readAfter(after, 5000);
          const last = records.at(-1)?.seq ?? after;
          return { files: [{ name: `audit-${after + 1}-${last}.ndjson`, content: Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '')) }], cursor: String(last) };
        },
      },
      // What the internet zone needs from the DMZ: the trust bundle (roots, CRLs) and the flow list.
      'dmz-config': {
        async collect(cursor) {
          const authorities = await ca.authorities();
          const crls = await Promise.all(ZONES.filter((z) => authorities.some((a) => a.zone === z)).map(async (z) => ({ zone: z, crl: await ca.crl(z) })));
          const config = { generatedAt: new Date().toISOString(), zone: stack, roots: authorities.filter((a) => a.kind === 'root').map((a) => ({ zone: a.zone, pem: a.certificatePem })), crls, flows: flows.list() };
          return { files: [{ name: 'dmz-config.json', content: Buffer.from(`${JSON.stringify(config, null, 2)}\n`) }], cursor };
        },
      },
    };
    const ferry = createFerryService({ db, dal: createFerryDal(db), audit, signing: ferrySigning, flows, zone: { short, stack }, dir: path.resolve(settings.YIYUN_FERRY_DIR ?? path.join(settings.YIYUN_DATA_DIR, 'ferry')), sources });
    const inventory = createInventoryService({ kms, ca, ferry, keyring });

    let timer: NodeJS.Timeout | null = null;
    const jobs = async () => {
      const actor = systemActor('kms-scheduler');
      try {
        await kms.rotateDue(actor);
        await kms.purgeDue(actor);
      } catch (err) {
        logger.error({ err }, 'KMS scheduled rotation/deletion failed');
      }
    };
    return {
      routes: [...kmsRoutes(kms), ...caRoutes(ca, stack), ...signingRoutes(signing), ...ferryRoutes(ferry), ...inventoryRoutes(inventory)],
      start: async () => {
        await jobs();
        timer = setInterval(() => void jobs(), 3_600_000);
        timer.unref();
      },
      stop: async () => {
        if (timer) clearInterval(timer);
        await usage.flush();
      },
      exports: { kms, ca, signing, auditSigning, ferry, ferrySigning, inventory, keyring, usage, evidence: cryptoEvidenceSource(cryptoEvidenceDeps(base, { inventory, kms, ca, keyring })), dataKeyEraser: kmsDiskKeys(kms) },
    };
  },
};
