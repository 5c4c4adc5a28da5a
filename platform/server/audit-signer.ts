import type { Kysely } from 'kysely';
import type { CheckpointSigner } from '../../core/audit';
import { createCaDal, createCaService, createSigningService, type Keyring } from '../../security/crypto';

/**
 * The audit trail is built before the rooms, so it starts with the bare key file and the crypto room switches it to
 * the signing service (same key pair, now under a certificate of the zone CA) once the CA exists. Rooms hold this
 * object, not the signer behind it, so the switch reaches the trail, the log-audit archives and the evidence pack.
 */
export type AuditSigner = CheckpointSigner & {
  /** The key file itself: what the signing service signs with (never the switched signer, which would recurse). */
  readonly keySigner: CheckpointSigner;
  use(signer: CheckpointSigner): void;
};

export function switchableSigner(keySigner: CheckpointSigner): AuditSigner {
  let current = keySigner;
  return {
    keySigner,
    use: (s) => {
      current = s;
    },
    get keyId() {
      return current.keyId;
    },
    get publicKeyHex() {
      return current.publicKeyHex;
    },
    sign: (data) => current.sign(data),
    verify: (data, signature, pub) => current.verify(data, signature, pub),
    get envelope() {
      return current.envelope;
    },
    get verifyEnvelope() {
      return current.verifyEnvelope;
    },
  };
}

/**
 * For the CLI's verify commands, which run without the server: the key file's signer plus envelope verification
 * against the zone CA's roots and revocations in the database. Verifying a chain never opens a sealed key, so no KEK
 * is needed (the keyring below is never called).
 */
export function verifyingSigner(db: Kysely<any>, keySigner: CheckpointSigner, zone: string): CheckpointSigner {
  const noKeyring = new Proxy({}, { get: () => () => { throw new Error('verification does not open sealed keys'); } }) as Keyring;
  const ca = createCaService({ db, dal: createCaDal(db), audit: { record: async () => ({ seq: 0, hash: '' }) }, keyring: noKeyring });
  const signing = createSigningService({ ca, audit: { record: async () => ({ seq: 0, hash: '' }) }, zone });
  return { ...keySigner, verifyEnvelope: (data, envelope) => signing.verify(data, envelope) };
}
