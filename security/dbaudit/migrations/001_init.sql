-- Database audit: client connections through the wire proxies, every statement with its fields (OCSF-style
-- datastore naming in the API), and detections.
create table dbaudit.connections (
  id uuid primary key,
  engine text not null check (engine in ('postgresql', 'mysql')),
  src_ip text not null, src_port integer not null, dst_ip text not null, dst_port integer not null,
  db_user text, db_name text, client_program text,
  client_tls boolean not null default false, upstream_tls boolean not null default false,
  auth_ok boolean, auth_error text,
  started_at timestamptz not null default now(), ended_at timestamptz
);
create table dbaudit.statements (
  id bigserial primary key,
  connection_id uuid not null,
  engine text not null,
  at timestamptz not null,
  src_ip text not null, src_port integer not null, dst_ip text not null, dst_port integer not null,
  db_user text, db_name text, client_program text,
  protocol text not null check (protocol in ('simple', 'extended', 'com_query', 'com_stmt')),
  command text not null,
  objects text[] not null default '{}',
  sql text not null,
  params jsonb,
  rows bigint,
  duration_ms double precision not null,
  error_code text, error_message text
);
create index statements_at on dbaudit.statements (at desc);
create index statements_user on dbaudit.statements (db_user, at desc);
create table dbaudit.alerts (
  id bigserial primary key,
  at timestamptz not null default now(),
  kind text not null,
  severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
  statement_id bigint,
  connection_id uuid,
  db_user text, src_ip text,
  detail jsonb not null default '{}'
);
create index alerts_at on dbaudit.alerts (at desc);
