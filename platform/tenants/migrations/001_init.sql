create table tenants.tenants (
  id          uuid primary key default gen_random_uuid(),
  code        text not null,
  name        text not null,
  kind        text not null check (kind in ('county_hospital', 'township_centre', 'village_clinic', 'public_health', 'other')),
  zone        text not null,
  status      text not null default 'active' check (status in ('active', 'suspended', 'archived')),
  contact_name  text,
  contact_phone text,
  description text,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create unique index tenants_code on tenants.tenants (lower(code));

-- One row per tenant; a limit of -1 would mean unlimited, but every quota here is finite by policy.
create table tenants.quotas (
  tenant_id        uuid primary key references tenants.tenants (id) on delete cascade,
  vcpu             integer not null check (vcpu >= 0),
  ram_gb           integer not null check (ram_gb >= 0),
  disk_gb          integer not null check (disk_gb >= 0),
  vms              integer not null check (vms >= 0),
  volumes          integer not null check (volumes >= 0),
  networks         integer not null check (networks >= 0),
  security_groups  integer not null check (security_groups >= 0),
  floating_ips     integer not null check (floating_ips >= 0),
  snapshots        integer not null check (snapshots >= 0),
  backups          integer not null check (backups >= 0),
  updated_at       timestamptz not null default now()
);
