-- Password-change jobs: an asset account's password is rotated on a schedule by a script per OS type, run over the
-- asset's rotation-admin credential (sealed like every other). Each run is a job row (the new password never is).
alter table bastion.asset_accounts add column rotation_admin boolean not null default false;

create table bastion.password_jobs (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references bastion.asset_accounts (id) on delete cascade,
  asset_id uuid not null references bastion.assets (id) on delete cascade,
  tenant_id uuid,
  username text not null,
  os_type text not null,
  trigger text not null check (trigger in ('schedule', 'manual')),
  requested_by text not null,
  -- The script that ran (or, for Windows, the declared script an operator runs): never contains the password.
  script text not null,
  status text not null check (status in ('running', 'succeeded', 'failed', 'declared')),
  error text,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);
create index password_jobs_account on bastion.password_jobs (account_id, started_at desc);
