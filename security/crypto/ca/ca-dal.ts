import type { Generated, Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { asRoom } from '../../../core/db';

type AuthoritiesTable = {
  id: Generated<string>;
  zone: string;
  kind: 'root' | 'intermediate';
  subject: string;
  certificate: string;
  sealed_private: Buffer | null;
  serial: string;
  not_after: Date;
  crl_number: Generated<number>;
  crl: string | null;
  parent_id: string | null;
  created_at: Generated<Date>;
};
type CertificatesTable = {
  id: Generated<string>;
  zone: string;
  issuer_id: string;
  tenant_id: string | null;
  pair_id: string;
  usage: 'signing' | 'encryption';
  profile: 'service' | 'user';
  subject: string;
  common_name: string;
  san: unknown;
  serial: string;
  public_key: string;
  certificate: string;
  sealed_private: Buffer | null;
  not_before: Date;
  not_after: Date;
  status: 'valid' | 'revoked';
  revoked_at: Date | null;
  revocation_reason: string | null;
  created_by: string;
  created_at: Generated<Date>;
};
type ServiceIdentitiesTable = { zone: string; name: string; certificate_id: string };
type TrustedRootsTable = { fingerprint: string; zone: string; certificate: string; added_at: Generated<Date> };
type Tables = {
  'crypto.authorities': AuthoritiesTable;
  'crypto.certificates': CertificatesTable;
  'crypto.service_identities': ServiceIdentitiesTable;
  'crypto.trusted_roots': TrustedRootsTable;
};
export type AuthorityRow = Selectable<AuthoritiesTable>;
export type CertificateRow = Selectable<CertificatesTable>;
type Db = Kysely<any>;
const room = (tx: Db) => asRoom<Tables>(tx);

/** Queries of the CA tables. */
export function createCaDal(db: Db) {
  return {
    authority: (zone: string, kind: 'root' | 'intermediate', tx: Db = db) => room(tx).selectFrom('crypto.authorities').selectAll().where('zone', '=', zone).where('kind', '=', kind).executeTakeFirst(),
    authorityById: (id: string, tx: Db = db) => room(tx).selectFrom('crypto.authorities').selectAll().where('id', '=', id).executeTakeFirst(),
    authorities: (tx: Db = db) => room(tx).selectFrom('crypto.authorities').selectAll().orderBy('zone').orderBy('kind', 'desc').execute(),
    insertAuthority: (row: Insertable<AuthoritiesTable>, tx: Db = db) => room(tx).insertInto('crypto.authorities').values(row).onConflict((oc) => oc.columns(['zone', 'kind']).doNothing()).returningAll().executeTakeFirst(),
    updateAuthority: (id: string, patch: Updateable<AuthoritiesTable>, tx: Db = db) => room(tx).updateTable('crypto.authorities').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    lockAuthority: (id: string, tx: Db) => room(tx).selectFrom('crypto.authorities').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow(),

    insertCertificate: (row: Insertable<CertificatesTable>, tx: Db = db) => room(tx).insertInto('crypto.certificates').values({ ...row, san: JSON.stringify(row.san ?? []) }).returningAll().executeTakeFirstOrThrow(),
    certificate: (id: string, tx: Db = db) => room(tx).selectFrom('crypto.certificates').selectAll().where('id', '=', id).executeTakeFirst(),
    certificateBySerial: (serial: string, tx: Db = db) => room(tx).selectFrom('crypto.certificates').selectAll().where('serial', '=', serial).executeTakeFirst(),
    lockCertificate: (id: string, tx: Db) => room(tx).selectFrom('crypto.certificates').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),
    revoke: (id: string, reason: string, at: Date, tx: Db) => room(tx).updateTable('crypto.certificates').set({ status: 'revoked', revoked_at: at, revocation_reason: reason }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    revokedBy: (issuerId: string, tx: Db = db) => room(tx).selectFrom('crypto.certificates').select(['serial', 'revoked_at', 'revocation_reason']).where('issuer_id', '=', issuerId).where('status', '=', 'revoked').orderBy('revoked_at').execute(),
    async list(q: { tenantId?: string | null; status?: string; usage?: string; q?: string; offset: number; limit: number }, tx: Db = db) {
      let query = room(tx).selectFrom('crypto.certificates');
      if (q.tenantId !== undefined) query = query.where('tenant_id', q.tenantId === null ? 'is' : '=', q.tenantId);
      if (q.status) query = query.where('status', '=', q.status as 'valid');
      if (q.usage) query = query.where('usage', '=', q.usage as 'signing');
      if (q.q) query = query.where('common_name', 'ilike', `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const [rows, count] = await Promise.all([
        query.selectAll().orderBy('created_at', 'desc').orderBy('id').offset(q.offset).limit(q.limit).execute(),
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
      ]);
      return { rows, total: Number(count?.n ?? 0) };
    },
    counts: (tx: Db = db) => room(tx).selectFrom('crypto.certificates').select(['usage', 'status']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy(['usage', 'status']).execute(),

    serviceIdentity: (zone: string, name: string, tx: Db = db) => room(tx).selectFrom('crypto.service_identities').selectAll().where('zone', '=', zone).where('name', '=', name).executeTakeFirst(),
    serviceIdentities: (tx: Db = db) => room(tx).selectFrom('crypto.service_identities').selectAll().execute(),
    async insertServiceIdentity(row: ServiceIdentitiesTable, tx: Db = db): Promise<void> {
      await room(tx).insertInto('crypto.service_identities').values(row).onConflict((oc) => oc.columns(['zone', 'name']).doUpdateSet({ certificate_id: row.certificate_id })).execute();
    },

    trustedRoots: (tx: Db = db) => room(tx).selectFrom('crypto.trusted_roots').selectAll().execute(),
    async insertTrustedRoot(row: Insertable<TrustedRootsTable>, tx: Db = db): Promise<void> {
      await room(tx).insertInto('crypto.trusted_roots').values(row).onConflict((oc) => oc.column('fingerprint').doNothing()).execute();
    },
  };
}

export type CaDal = ReturnType<typeof createCaDal>;
