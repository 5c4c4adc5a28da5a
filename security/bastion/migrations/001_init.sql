-- Bastion: assets and their accounts (credentials sealed), grants, command rules and approvals, sessions with their
-- recordings (asciicast v2 files; the searchable text is kept here), typed commands and file transfers.
create table bastion.assets (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid,
  name text not null unique,
  address text not null,
  port integer not null default 22,
  protocol text not null default 'ssh' check (protocol in ('ssh')),
  os_type text not null default 'linux' check (os_type in ('linux', 'unix', 'windows', 'network')),
  -- The asset tree: grants on a folder apply to every asset below it.
  folder text not null default '/',
  encoding text not null default 'utf-8',
  host_key_sha256 text,
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table bastion.asset_accounts (
  id uuid primary key default gen_random_uuid(),
  asset_id uuid not null references bastion.assets (id) on delete cascade,
  username text not null,
  auth_kind text not null check (auth_kind in ('password', 'key')),
  secret_sealed text not null,
  rotate_every_days integer,
  last_rotated_at timestamptz,
  created_at timestamptz not null default now(),
  unique (asset_id, username)
);

create table bastion.grants (
  id uuid primary key default gen_random_uuid(),
  operator_account_id uuid not null,
  operator_login text not null,
  asset_id uuid references bastion.assets (id) on delete cascade,
  folder text,
  account_username text not null,
  protocols text[] not null default '{shell,exec,sftp}',
  valid_from timestamptz not null default now(),
  valid_until timestamptz not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  check ((asset_id is null) <> (folder is null))
);
create index grants_operator on bastion.grants (operator_account_id);

create table bastion.command_rules (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  pattern text not null,
  action text not null check (action in ('allow', 'deny', 'approve')),
  priority integer not null default 100,
  enabled boolean not null default true,
  created_at timestamptz not null default now()
);

create table bastion.approvals (
  id uuid primary key default gen_random_uuid(),
  operator_account_id uuid not null,
  operator_login text not null,
  asset_id uuid not null,
  command text not null,
  rule_id uuid,
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'used')),
  decided_by text,
  decided_at timestamptz,
  created_at timestamptz not null default now()
);

create table bastion.sessions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid,
  operator_account_id uuid not null,
  operator_login text not null,
  source_ip text,
  asset_id uuid not null,
  asset_name text not null,
  account_username text not null,
  kind text not null check (kind in ('shell', 'exec', 'sftp')),
  command text,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  end_reason text,
  exit_code integer,
  recording_file text,
  recording_bytes bigint not null default 0,
  search_text text not null default ''
);
create index sessions_started on bastion.sessions (started_at desc);

create table bastion.session_commands (
  id bigserial primary key,
  session_id uuid not null references bastion.sessions (id) on delete cascade,
  at timestamptz not null default now(),
  command text not null,
  verdict text not null check (verdict in ('allowed', 'denied', 'approval_required')),
  rule_id uuid
);
create index session_commands_session on bastion.session_commands (session_id);

create table bastion.transfers (
  id bigserial primary key,
  session_id uuid not null references bastion.sessions (id) on delete cascade,
  at timestamptz not null default now(),
  direction text not null check (direction in ('upload', 'download')),
  path text not null,
  size bigint not null,
  sm3 text,
  protocol text not null default 'sftp'
);
create index transfers_session on bastion.transfers (session_id);
