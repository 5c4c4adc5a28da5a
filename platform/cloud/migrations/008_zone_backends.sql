-- Which backend each zone's resources were created on. A resource row only names its provider's id, so a zone moved
-- to another backend (embedded → OpenStack, another Keystone or region, shared project → a project per tenant)
-- would send every later call for those rows where they do not exist; start-up compares and refuses (zone-backend.ts).
create table cloud.zone_backends (
  zone        text primary key,
  backend     jsonb not null,
  recorded_at timestamptz not null default now()
);
