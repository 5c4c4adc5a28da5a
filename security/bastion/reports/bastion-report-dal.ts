import { sql, type Kysely, type RawBuilder } from 'kysely';

export type ReportFilter = { from: Date; to: Date; operator?: string; asset?: string; tenantId?: string | null };

export type UserAggregate = {
  operator_login: string; sessions: number; assets: number; commands: number; denied: number; transfers: number; transfer_bytes: number; killed: number;
  first_login: Date; last_login: Date; source_ips: string[];
};
export type SessionAggregate = {
  id: string; operator_login: string; source_ip: string | null; asset_name: string; account_username: string; kind: string; command: string | null;
  started_at: Date; ended_at: Date | null; end_reason: string | null; exit_code: number | null; commands: number; denied: number; transfers: number; transfer_bytes: number;
};

/** Per-session counts of typed commands and transfers, joined laterally so each session is read once. */
const COUNTS = sql`
  left join lateral (select count(*)::int as n, (count(*) filter (where verdict = 'denied'))::int as denied from bastion.session_commands c where c.session_id = s.id) c on true
  left join lateral (select count(*)::int as n, coalesce(sum(size), 0)::bigint as bytes from bastion.transfers t where t.session_id = s.id) t on true`;

// A kill is recorded by the service as `killed by <login>` (bastion-service.killSession).
const KILLED = sql`s.end_reason like 'killed by %'`;

function where(f: ReportFilter): RawBuilder<unknown> {
  const parts = [sql`s.started_at >= ${f.from}`, sql`s.started_at < ${f.to}`];
  if (f.operator) parts.push(sql`s.operator_login = ${f.operator}`);
  if (f.asset) parts.push(sql`s.asset_name = ${f.asset}`);
  if (f.tenantId) parts.push(sql`s.tenant_id = ${f.tenantId}`);
  return sql.join(parts, sql` and `);
}

/** Aggregates over bastion.sessions and its commands and transfers for the reports (read-only, parameterised). */
export function createBastionReportDal(db: Kysely<any>) {
  return {
    async users(f: ReportFilter): Promise<UserAggregate[]> {
      const { rows } = await sql<UserAggregate>`
        select s.operator_login, count(*)::int as sessions, count(distinct s.asset_id)::int as assets,
               coalesce(sum(c.n), 0)::int as commands, coalesce(sum(c.denied), 0)::int as denied,
               coalesce(sum(t.n), 0)::int as transfers, coalesce(sum(t.bytes), 0)::bigint as transfer_bytes,
               (count(*) filter (where ${KILLED}))::int as killed,
               min(s.started_at) as first_login, max(s.started_at) as last_login,
               array_remove(array_agg(distinct s.source_ip), null) as source_ips
        from bastion.sessions s ${COUNTS}
        where ${where(f)}
        group by s.operator_login
        order by s.operator_login`.execute(db);
      return rows.map((r) => ({ ...r, transfer_bytes: Number(r.transfer_bytes) }));
    },
    /** At most `limit` sessions, newest first. */
    async sessions(f: ReportFilter, limit: number): Promise<SessionAggregate[]> {
      const { rows } = await sql<SessionAggregate>`
        select s.id, s.operator_login, s.source_ip, s.asset_name, s.account_username, s.kind, s.command, s.started_at, s.ended_at, s.end_reason, s.exit_code,
               coalesce(c.n, 0) as commands, coalesce(c.denied, 0) as denied, coalesce(t.n, 0) as transfers, coalesce(t.bytes, 0)::bigint as transfer_bytes
        from bastion.sessions s ${COUNTS}
        where ${where(f)}
        order by s.started_at desc, s.id
        limit ${limit}`.execute(db);
      return rows.map((r) => ({ ...r, transfer_bytes: Number(r.transfer_bytes) }));
    },
  };
}
export type BastionReportDal = ReturnType<typeof createBastionReportDal>;
