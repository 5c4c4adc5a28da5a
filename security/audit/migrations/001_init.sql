-- Log audit (日志审计). Events are partitioned by day on @timestamp so that retention drops whole partitions and
-- searches over a time range touch only the days they ask for. The raw line is always kept beside the parsed fields.

create sequence logaudit.event_id_seq as bigint;

create table logaudit.events (
  id            bigint not null default nextval('logaudit.event_id_seq'),
  ts            timestamptz not null,            -- ECS @timestamp
  received_at   timestamptz not null default now(), -- ECS event.ingested
  tenant_id     uuid,
  source_id     uuid,
  host_name     text,
  source_ip     inet,
  user_name     text,
  event_action  text,
  event_outcome text,
  event_category text,
  severity      smallint not null default 0,     -- 0 unknown, 1 low .. 4 critical (syslog severity mapped)
  parser        text not null,
  message       text,
  raw           text not null,
  fields        jsonb not null default '{}'::jsonb
) partition by range (ts);

-- Events whose day has no partition (far past or far future timestamps) land here; retention deletes from it row-wise.
create table logaudit.events_default partition of logaudit.events default;

create index events_ts on logaudit.events (ts);
create index events_id on logaudit.events (id);
create index events_source_ts on logaudit.events (source_id, ts);
create index events_tenant_ts on logaudit.events (tenant_id, ts);
create index events_source_ip on logaudit.events (source_ip);
create index events_user_name on logaudit.events (user_name);
create index events_action on logaudit.events (event_action);

-- Name of the partition holding one UTC day.
create function logaudit.partition_name(d date) returns text language sql immutable as $$
  select 'events_' || to_char(d, 'YYYYMMDD')
$$;

-- Creates the partition of one UTC day if missing. Rows of that day already in the default partition are moved
-- into it first (PostgreSQL refuses to attach a range the default partition holds rows for).
create function logaudit.ensure_day(d date) returns boolean language plpgsql as $$
declare
  name text := logaudit.partition_name(d);
  lo timestamptz := (d::timestamp at time zone 'UTC');
  hi timestamptz := ((d + 1)::timestamp at time zone 'UTC');
begin
  if to_regclass('logaudit.' || name) is not null then
    return false;
  end if;
  perform pg_advisory_xact_lock(hashtext('logaudit.ensure_day'));
  if to_regclass('logaudit.' || name) is not null then
    return false;
  end if;
  create temporary table if not exists _logaudit_moved (like logaudit.events) on commit drop;
  execute 'insert into _logaudit_moved select * from logaudit.events_default where ts >= $1 and ts < $2' using lo, hi;
  execute 'delete from logaudit.events_default where ts >= $1 and ts < $2' using lo, hi;
  execute format('create table logaudit.%I partition of logaudit.events for values from (%L) to (%L)', name, lo, hi);
  insert into logaudit.events select * from _logaudit_moved;
  delete from _logaudit_moved;
  return true;
end
$$;

-- Registered log sources (collectors, devices, applications). Syslog senders that are not registered are added
-- automatically as 'auto' sources on first contact so that no event is dropped for want of a registration.
create table logaudit.sources (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     uuid,
  name          text not null,
  kind          text not null check (kind in ('syslog', 'http', 'yiyun', 'auto')),
  address       text,                 -- sender IP for syslog sources
  parser        text not null default 'auto',
  token_hash    text,                 -- SM3 of the per-source HTTP token
  enabled       boolean not null default true,
  description   text,
  last_seen_at  timestamptz,
  events_total  bigint not null default 0,
  rate_per_min  double precision not null default 0,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
create unique index sources_name on logaudit.sources (lower(name));
create index sources_address on logaudit.sources (address);
create unique index sources_token on logaudit.sources (token_hash) where token_hash is not null;

-- Sigma rules (detection and correlation), built-in or imported.
create table logaudit.rules (
  id            text primary key,     -- the Sigma id (or name) of the rule
  title         text not null,
  kind          text not null check (kind in ('detection', 'correlation')),
  level         text not null default 'medium',
  tags          text[] not null default '{}',
  yaml          text not null,
  enabled       boolean not null default true,
  builtin       boolean not null default false,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);

create table logaudit.alerts (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     uuid,
  rule_id       text not null,
  rule_title    text not null,
  severity      text not null check (severity in ('informational', 'low', 'medium', 'high', 'critical')),
  tags          text[] not null default '{}',
  group_key     jsonb not null default '{}'::jsonb,
  event_ids     bigint[] not null default '{}',
  first_seen    timestamptz not null,
  last_seen     timestamptz not null,
  status        text not null default 'new' check (status in ('new', 'acknowledged', 'closed')),
  note          text,
  status_by     text,
  status_at     timestamptz,
  created_at    timestamptz not null default now()
);
create index alerts_created on logaudit.alerts (created_at desc);
create index alerts_tenant on logaudit.alerts (tenant_id, created_at desc);

-- Parsers defined by operators in the parse editor: regex with named groups, key=value, or JSON, mapped to ECS.
create table logaudit.parsers (
  id            uuid primary key default gen_random_uuid(),
  name          text not null,
  kind          text not null check (kind in ('regex', 'kv', 'json')),
  pattern       text,
  mapping       jsonb not null default '{}'::jsonb,
  program       text,                 -- syslog program (APP-NAME) this parser applies to, when set
  active        boolean not null default false,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
create unique index parsers_name on logaudit.parsers (lower(name));

create table logaudit.saved_queries (
  id            uuid primary key default gen_random_uuid(),
  owner         text not null,
  tenant_id     uuid,
  name          text not null,
  query         jsonb not null,
  created_at    timestamptz not null default now()
);

create table logaudit.query_history (
  id            bigint generated always as identity primary key,
  owner         text not null,
  tenant_id     uuid,
  query         jsonb not null,
  total         bigint,
  ran_at        timestamptz not null default now()
);
create index query_history_owner on logaudit.query_history (owner, ran_at desc);

-- One row: retention and capacity settings.
create table logaudit.settings (
  id               boolean primary key default true check (id),
  retention_days   integer not null default 180 check (retention_days >= 1),
  capacity_bytes   bigint not null default 536870912000,
  capacity_warn_pct integer not null default 80 check (capacity_warn_pct between 1 and 100),
  delete_mode      text not null default 'drop_partition' check (delete_mode in ('drop_partition', 'archive_then_drop')),
  updated_at       timestamptz not null default now()
);
insert into logaudit.settings (id) values (true);

-- Archives of closed days: where each went, its digest and the signed manifest.
create table logaudit.archives (
  day           date primary key,
  file_name     text not null,
  events        bigint not null,
  bytes         bigint not null,
  sm3           text not null,
  manifest      jsonb not null,
  signature     text not null,
  remote        text,
  created_at    timestamptz not null default now(),
  restored_at   timestamptz
);

-- Cursor of the yiyun audit-trail feed.
create table logaudit.cursors (
  name          text primary key,
  position      bigint not null
);
