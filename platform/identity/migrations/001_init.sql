create table identity.accounts (
  id                  uuid primary key default gen_random_uuid(),
  login_id            text not null,
  display_name        text not null,
  email               text,
  phone               text,
  tenant_id           uuid,
  roles               text[] not null default '{}',
  status              text not null default 'active' check (status in ('active', 'disabled')),
  password_hash       text not null,
  password_changed_at timestamptz not null default now(),
  must_change_password boolean not null default true,
  failed_attempts     integer not null default 0,
  locked_until        timestamptz,
  totp_secret_sealed  text,
  totp_pending_sealed text,
  totp_last_step      bigint,
  mfa_enrolled_at     timestamptz,
  allowed_cidrs       text[] not null default '{}',
  allowed_windows     jsonb not null default '[]',
  last_login_at       timestamptz,
  last_login_ip       text,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now()
);
create unique index accounts_login_id on identity.accounts (lower(login_id));
create unique index accounts_email on identity.accounts (lower(email)) where email is not null;
create unique index accounts_phone on identity.accounts (phone) where phone is not null;
create index accounts_tenant on identity.accounts (tenant_id);

create table identity.password_history (
  account_id    uuid not null references identity.accounts (id) on delete cascade,
  password_hash text not null,
  created_at    timestamptz not null default now()
);
create index password_history_account on identity.password_history (account_id, created_at desc);

create table identity.recovery_codes (
  account_id uuid not null references identity.accounts (id) on delete cascade,
  code_hash  text not null,
  used_at    timestamptz,
  primary key (account_id, code_hash)
);

create table identity.login_challenges (
  id          uuid primary key default gen_random_uuid(),
  account_id  uuid not null references identity.accounts (id) on delete cascade,
  source_ip   text,
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null
);

create table identity.sessions (
  id           uuid primary key default gen_random_uuid(),
  token_hash   text not null unique,
  account_id   uuid not null references identity.accounts (id) on delete cascade,
  csrf_token   text not null,
  source_ip    text,
  user_agent   text,
  created_at   timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at   timestamptz not null,
  revoked_at   timestamptz
);
create index sessions_account on identity.sessions (account_id);

create table identity.api_tokens (
  id           uuid primary key default gen_random_uuid(),
  account_id   uuid not null references identity.accounts (id) on delete cascade,
  name         text not null,
  token_hash   text not null unique,
  created_at   timestamptz not null default now(),
  expires_at   timestamptz not null,
  last_used_at timestamptz,
  revoked_at   timestamptz
);
create index api_tokens_account on identity.api_tokens (account_id);

create table identity.settings (
  key        text primary key,
  value      jsonb not null,
  updated_at timestamptz not null default now()
);
