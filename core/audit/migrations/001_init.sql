-- The audit trail: append-only, hash-chained with SM3, checkpointed with SM2 signatures.
create table audit.records (
  seq            bigint primary key,
  id             uuid not null unique default gen_random_uuid(),
  occurred_at    timestamptz not null,
  actor_kind     text not null,
  actor_account  uuid,
  actor_login    text not null,
  actor_roles    text[] not null default '{}',
  tenant_id      uuid,
  source_ip      text,
  request_id     text,
  action         text not null,
  target_type    text not null,
  target_id      text,
  outcome        text not null check (outcome in ('success', 'denied', 'failure')),
  before_summary jsonb,
  after_summary  jsonb,
  detail         jsonb,
  prev_hash      text not null,
  hash           text not null
);
create index records_occurred_at on audit.records (occurred_at);
create index records_actor on audit.records (actor_login, occurred_at);
create index records_action on audit.records (action, occurred_at);
create index records_target on audit.records (target_type, target_id);
create index records_tenant on audit.records (tenant_id, occurred_at);

create table audit.checkpoints (
  seq         bigint primary key,
  hash        text not null,
  signed_at   timestamptz not null,
  key_id      text not null,
  public_key  text not null,
  signature   text not null,
  reason      text not null
);

-- Refuse every change to history from the application. Someone with the database owner's rights can still
-- disable this, which is what the hash chain and the signed checkpoints are for.
create function audit.refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the audit trail is append-only (% on %)', tg_op, tg_table_name using errcode = '42501';
end $$;
create trigger records_append_only before update or delete on audit.records
  for each row execute function audit.refuse_change();
create trigger records_no_truncate before truncate on audit.records
  for each statement execute function audit.refuse_change();
create trigger checkpoints_append_only before update or delete on audit.checkpoints
  for each row execute function audit.refuse_change();
