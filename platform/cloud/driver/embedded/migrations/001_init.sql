-- The embedded region: a cloud simulated in the database so the product runs anywhere. Never production.
create table cloud_embedded.regions (
  zone            text primary key,
  seed            jsonb not null,
  bootstrapped_at timestamptz not null default now()
);

-- Hypervisor hosts and what is placed on them. used_* change only under a row lock on the zone's hosts.
create table cloud_embedded.hosts (
  id          uuid primary key default gen_random_uuid(),
  zone        text not null,
  name        text not null,
  az          text not null,
  aggregate   text not null,
  purpose     text not null,
  vcpus       integer not null check (vcpus > 0),
  ram_gb      integer not null check (ram_gb > 0),
  used_vcpus  integer not null default 0,
  used_ram_gb integer not null default 0,
  check (used_vcpus <= vcpus and used_ram_gb <= ram_gb and used_vcpus >= 0 and used_ram_gb >= 0),
  unique (zone, name)
);

create table cloud_embedded.server_groups (
  id     uuid primary key default gen_random_uuid(),
  zone   text not null,
  policy text not null check (policy in ('anti-affinity', 'soft-anti-affinity', 'affinity', 'soft-affinity'))
);

create table cloud_embedded.servers (
  id         uuid primary key default gen_random_uuid(),
  zone       text not null,
  host_id    uuid not null references cloud_embedded.hosts (id),
  group_id   uuid references cloud_embedded.server_groups (id),
  vcpus      integer not null,
  ram_gb     integer not null,
  power      text not null default 'on',
  created_at timestamptz not null default now()
);
create index servers_group on cloud_embedded.servers (group_id);

create table cloud_embedded.subnets (
  id      uuid primary key default gen_random_uuid(),
  zone    text not null,
  cidr    text not null,
  gateway text
);

-- One address per (subnet, ip): the unique key makes a collision impossible even if the lock were missed.
create table cloud_embedded.ports (
  id            uuid primary key default gen_random_uuid(),
  zone          text not null,
  subnet_id     uuid not null references cloud_embedded.subnets (id) on delete cascade,
  ip            text not null,
  allowed_pairs jsonb not null default '[]'::jsonb,
  unique (subnet_id, ip)
);

create table cloud_embedded.floating_ips (
  id   uuid primary key default gen_random_uuid(),
  zone text not null,
  ip   text not null,
  unique (zone, ip)
);

-- Volumes keep three replicas on distinct storage nodes of one backend.
create table cloud_embedded.volumes (
  id       uuid primary key default gen_random_uuid(),
  zone     text not null,
  backend  text not null,
  size_gb  integer not null,
  replicas jsonb not null
);
