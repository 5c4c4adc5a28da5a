import type { Generated, Insertable, Kysely, Selectable } from 'kysely';
import { asRoom } from '../../../core/db';

type StateTable = { flow: string; direction: 'out' | 'in'; last_seq: number; cursor: string | null; updated_at: Generated<Date> };
type TransfersTable = {
  id: Generated<string>;
  flow: string;
  direction: 'out' | 'in';
  sequence: number | null;
  status: 'exported' | 'imported' | 'imported_with_gap' | 'quarantined';
  reason: string | null;
  warning: string | null;
  bundle: string;
  manifest_sm3: string | null;
  files: unknown;
  signer: string | null;
  created_at: Generated<Date>;
};
type Tables = { 'crypto.ferry_state': StateTable; 'crypto.ferry_transfers': TransfersTable };
export type TransferRow = Selectable<TransfersTable>;
type Db = Kysely<any>;
const room = (tx: Db) => asRoom<Tables>(tx);

/** Queries of the ferry tables. */
export function createFerryDal(db: Db) {
  return {
    /** Locks (creating at 0) the state row of a flow and direction. */
    async lockState(flow: string, direction: 'out' | 'in', tx: Db) {
      await room(tx).insertInto('crypto.ferry_state').values({ flow, direction, last_seq: 0, cursor: null }).onConflict((oc) => oc.columns(['flow', 'direction']).doNothing()).execute();
      return room(tx).selectFrom('crypto.ferry_state').selectAll().where('flow', '=', flow).where('direction', '=', direction).forUpdate().executeTakeFirstOrThrow();
    },
    state: (flow: string, direction: 'out' | 'in', tx: Db = db) => room(tx).selectFrom('crypto.ferry_state').selectAll().where('flow', '=', flow).where('direction', '=', direction).executeTakeFirst(),
    async setState(flow: string, direction: 'out' | 'in', lastSeq: number, cursor: string | null, tx: Db): Promise<void> {
      await room(tx).updateTable('crypto.ferry_state').set({ last_seq: lastSeq, cursor, updated_at: new Date() }).where('flow', '=', flow).where('direction', '=', direction).execute();
    },
    insertTransfer: (row: Insertable<TransfersTable>, tx: Db = db) => room(tx).insertInto('crypto.ferry_transfers').values({ ...row, files: JSON.stringify(row.files ?? []) }).returningAll().executeTakeFirstOrThrow(),
    transfer: (id: string, tx: Db = db) => room(tx).selectFrom('crypto.ferry_transfers').selectAll().where('id', '=', id).executeTakeFirst(),
    async list(q: { flow?: string; status?: string; direction?: string; offset: number; limit: number }, tx: Db = db) {
      let query = room(tx).selectFrom('crypto.ferry_transfers');
      if (q.flow) query = query.where('flow', '=', q.flow);
      if (q.status) query = query.where('status', '=', q.status as 'exported');
      if (q.direction) query = query.where('direction', '=', q.direction as 'out');
      const [rows, count] = await Promise.all([
        query.selectAll().orderBy('created_at', 'desc').orderBy('id').offset(q.offset).limit(q.limit).execute(),
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
      ]);
      return { rows, total: Number(count?.n ?? 0) };
    },
  };
}
export type FerryDal = ReturnType<typeof createFerryDal>;
