-- The compliance runtime: one check run at a time across every process, per-tenant score history, and the
-- assessor's own conclusions beside the operator's self-assessment.

-- Runs left 'running' by a process that died cannot finish any more; without this the unique index below could
-- not be created on an old database.
update compliance.check_runs set status = 'failed', finished_at = coalesce(finished_at, now()) where status = 'running';

-- Single flight across processes: a second 'running' row violates this index, so only one process (of any
-- number sharing the database, PostgreSQL or PGlite) runs the checks at a time. Works on both engines and holds
-- no connection while the checks run (an advisory lock would pin one for minutes).
create unique index check_runs_one_running on compliance.check_runs ((status)) where status = 'running';

-- Scores per tenant scope (tenant_id null = the platform), so a tenant's dashboard has a trend too.
alter table compliance.score_history add column tenant_id uuid;
create index score_history_scope on compliance.score_history (catalogue, tenant_id, computed_at desc);

-- 'operator': the secadmin's (or a tenant admin's) self-assessment with uploaded evidence;
-- 'assessor': the 测评结论 recorded by the assessor (测评人员), who uploads nothing.
alter table compliance.manual_verdicts add column kind text not null default 'operator' check (kind in ('operator', 'assessor'));
