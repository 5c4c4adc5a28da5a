-- Operators' SSH public keys (publickey + second factor at the gateway), the admin source ranges, MAC rules, and
-- assets that mirror the tenant cloud's VMs.
create table bastion.operator_keys (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null,
  login_id text not null,
  name text not null,
  algorithm text not null,
  -- The OpenSSH line as registered (`ssh-ed25519 AAAA… comment`); public, so stored as is.
  public_key text not null,
  fingerprint_sha256 text not null,
  last_used_at timestamptz,
  created_at timestamptz not null default now(),
  unique (account_id, fingerprint_sha256)
);
create index operator_keys_login on bastion.operator_keys (login_id);

-- Accounts with an administrative role may reach the gateway only from these ranges (none declared = no admin login).
create table bastion.admin_sources (
  id uuid primary key default gen_random_uuid(),
  cidr text not null unique,
  note text,
  created_by text not null,
  created_at timestamptz not null default now()
);

-- A MAC rule: logins it covers (by login id or role, all when both are empty) from the source ranges it covers
-- (all when empty) must come from one of the listed MAC addresses; an undeterminable MAC is refused.
create table bastion.mac_rules (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  logins text[] not null default '{}',
  roles text[] not null default '{}',
  source_cidrs text[] not null default '{}',
  macs text[] not null,
  enabled boolean not null default true,
  created_by text not null,
  created_at timestamptz not null default now()
);

-- Assets made from the tenant cloud's VMs: the VM they mirror, and when the VM went away (the asset is kept, disabled,
-- for its sessions' history).
alter table bastion.assets add column cloud_vm_id uuid unique;
alter table bastion.assets add column retired_at timestamptz;
