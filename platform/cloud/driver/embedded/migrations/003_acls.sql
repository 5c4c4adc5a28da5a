-- Network ACLs as the embedded region enforces them: the rules in order and the subnets they guard.
create table cloud_embedded.acls (
  id          uuid primary key default gen_random_uuid(),
  zone        text not null,
  name        text not null,
  enabled     boolean not null,
  rules       jsonb not null,
  subnet_refs jsonb not null,
  synced_at   timestamptz not null default now()
);
