-- The 国密 services' own schema: KMS key hierarchy, certificate authority, ferry state. No key material is ever
-- stored in the clear: root keys are sealed by the key-encryption key (a file or env, outside the database),
-- everything below them by a root key.

-- One root key per zone, sealed (SM4-CTR + HMAC-SM3) by the KEK named by kek_id (an SM3 fingerprint).
create table crypto.root_keys (
  zone        text primary key,
  kek_id      text not null,
  sealed      bytea not null,
  created_at  timestamptz not null default now()
);

-- Master keys (customer master keys): per tenant (tenant_id set) or per system (tenant_id null).
create table crypto.keys (
  id               uuid primary key default gen_random_uuid(),
  zone             text not null,
  tenant_id        uuid,
  alias            text not null,
  description      text,
  origin           text not null check (origin in ('kms', 'external')),
  state            text not null check (state in ('enabled', 'disabled', 'pending_import', 'pending_deletion', 'deleted')),
  current_version  integer not null default 0,
  rotation_days    integer check (rotation_days between 30 and 3650),
  next_rotation_at timestamptz,
  deletion_at      timestamptz,
  created_by       text not null,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
-- An alias is unique within its owner (a tenant, or the platform).
create unique index keys_alias on crypto.keys (coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(alias)) where state <> 'deleted';
create index keys_tenant on crypto.keys (tenant_id);

-- Versions of a master key: 16-byte SM4 key material sealed by the zone root key (AAD binds key id and version).
-- sealed is null once the key is deleted: the material is gone.
create table crypto.key_versions (
  key_id      uuid not null references crypto.keys (id),
  version     integer not null,
  sealed      bytea,
  origin      text not null check (origin in ('kms', 'external')),
  created_at  timestamptz not null default now(),
  destroyed_at timestamptz,
  primary key (key_id, version)
);

-- BYOK: one-time SM2 wrapping key pairs handed out for an import; the private key sealed by the root key.
create table crypto.import_tokens (
  id          uuid primary key default gen_random_uuid(),
  key_id      uuid not null references crypto.keys (id),
  public_key  text not null,
  sealed_private bytea not null,
  expires_at  timestamptz not null,
  used_at     timestamptz,
  created_at  timestamptz not null default now()
);

-- Managed data keys (a disk's key): wrapped under a master key; crypto-erase nulls wrapped for good.
create table crypto.data_keys (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid,
  key_id       uuid not null references crypto.keys (id),
  resource     text not null,
  key_spec     text not null,
  wrapped      bytea,
  state        text not null check (state in ('active', 'destroyed')),
  created_at   timestamptz not null default now(),
  destroyed_at timestamptz,
  destroyed_by text
);
create index data_keys_tenant on crypto.data_keys (tenant_id);
create index data_keys_resource on crypto.data_keys (resource);

-- Uses of keys, written in batches: one row per (actor, key, version, operation, outcome, reason) and batch, with
-- the number of uses and the first and last moment; the audit trail gets one key.used record per row.
create table crypto.key_usage (
  id          bigserial primary key,
  occurred_at timestamptz not null,
  last_at     timestamptz not null,
  uses        integer not null default 1,
  key_id      uuid,
  key_version integer,
  tenant_id   uuid,
  actor_login text not null,
  actor_account uuid,
  operation   text not null,
  outcome     text not null check (outcome in ('success', 'denied', 'failure')),
  reason      text
);
create index key_usage_key on crypto.key_usage (key_id, occurred_at desc);
create index key_usage_tenant on crypto.key_usage (tenant_id, occurred_at desc);

-- Certificate authorities: a root and an issuing intermediate per zone. Private keys sealed by the root key.
create table crypto.authorities (
  id            uuid primary key default gen_random_uuid(),
  zone          text not null,
  kind          text not null check (kind in ('root', 'intermediate')),
  subject       text not null,
  certificate   text not null,
  sealed_private bytea,
  serial        text not null,
  not_after     timestamptz not null,
  crl_number    integer not null default 0,
  crl           text,
  parent_id     uuid references crypto.authorities (id),
  created_at    timestamptz not null default now(),
  unique (zone, kind)
);

-- Issued certificates. pair_id groups the signing and encryption certificates of one 双证书 issuance.
create table crypto.certificates (
  id            uuid primary key default gen_random_uuid(),
  zone          text not null,
  issuer_id     uuid not null references crypto.authorities (id),
  tenant_id     uuid,
  pair_id       uuid not null,
  usage         text not null check (usage in ('signing', 'encryption')),
  profile       text not null check (profile in ('service', 'user')),
  subject       text not null,
  common_name   text not null,
  san           jsonb not null default '[]',
  serial        text not null unique,
  public_key    text not null,
  certificate   text not null,
  sealed_private bytea,
  not_before    timestamptz not null,
  not_after     timestamptz not null,
  status        text not null check (status in ('valid', 'revoked')),
  revoked_at    timestamptz,
  revocation_reason text,
  created_by    text not null,
  created_at    timestamptz not null default now()
);
create index certificates_pair on crypto.certificates (pair_id);
create index certificates_issuer on crypto.certificates (issuer_id, status);

-- The zone's service identities (the ferry agent, the signing service): their certificate row and name.
create table crypto.service_identities (
  zone           text not null,
  name           text not null,
  certificate_id uuid not null references crypto.certificates (id),
  primary key (zone, name)
);

-- Trusted roots of the other zones (for verifying ferried bundles); the own zone's root is trusted implicitly.
create table crypto.trusted_roots (
  fingerprint text primary key,
  zone        text not null,
  certificate text not null,
  added_at    timestamptz not null default now()
);

-- Ferry sequence state per flow and direction.
create table crypto.ferry_state (
  flow        text not null,
  direction   text not null check (direction in ('out', 'in')),
  last_seq    bigint not null,
  cursor      text,
  updated_at  timestamptz not null default now(),
  primary key (flow, direction)
);

-- Ferry history: every export, import and quarantine, with the reason.
create table crypto.ferry_transfers (
  id          uuid primary key default gen_random_uuid(),
  flow        text not null,
  direction   text not null check (direction in ('out', 'in')),
  sequence    bigint,
  status      text not null check (status in ('exported', 'imported', 'imported_with_gap', 'quarantined')),
  reason      text,
  warning     text,
  bundle      text not null,
  manifest_sm3 text,
  files       jsonb not null default '[]',
  signer      text,
  created_at  timestamptz not null default now()
);
create index ferry_transfers_flow on crypto.ferry_transfers (flow, created_at desc);
