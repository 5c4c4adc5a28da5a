-- The tenant cloud's own records: every tenant-visible object (VPC, subnet, VM, disk, …) is one row of
-- cloud.resources with a typed spec per kind. What the driver holds (placement, ports, volumes) lives in the
-- driver's own schema; provider_ref points there (embedded) or at the OpenStack id.
create table cloud.resources (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid not null,
  zone         text not null,
  kind         text not null,
  name         text not null,
  description  text,
  status       text not null,
  -- a timed transition (BUILD → ACTIVE …): the effective status is next_status once next_at has passed
  next_status  text,
  next_at      timestamptz,
  parent_id    uuid,
  provider_ref text,
  spec         jsonb not null default '{}'::jsonb,
  tags         jsonb not null default '{}'::jsonb,
  -- what the row costs against the tenant's quota
  vcpus        integer not null default 0,
  ram_gb       integer not null default 0,
  size_gb      integer not null default 0,
  deleted_at   timestamptz,
  purge_after  timestamptz,
  created_by   text not null,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
create index resources_tenant_kind on cloud.resources (tenant_id, kind, created_at desc, id);
create index resources_kind_created on cloud.resources (kind, created_at desc, id);
create index resources_parent on cloud.resources (parent_id);
create index resources_tags on cloud.resources using gin (tags);
create index resources_purge on cloud.resources (purge_after) where purge_after is not null;

-- Every create and resize is an order; its state follows the resource's provisioning.
create table cloud.orders (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid not null,
  zone         text not null,
  kind         text not null,
  action       text not null,
  resource_id  uuid,
  status       text not null check (status in ('processing', 'completed', 'failed')),
  completes_at timestamptz,
  detail       jsonb not null default '{}'::jsonb,
  created_by   text not null,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
create index orders_tenant on cloud.orders (tenant_id, created_at desc);

-- One row per tenant, locked FOR UPDATE while a quota is checked and consumed: concurrent creates of one
-- tenant serialise here, so two requests can never both take the last unit of a quota.
create table cloud.tenant_locks (tenant_id uuid primary key);

-- The customisable overview: widgets and their order, per account.
create table cloud.layouts (
  account_id text primary key,
  widgets    jsonb not null,
  updated_at timestamptz not null default now()
);
