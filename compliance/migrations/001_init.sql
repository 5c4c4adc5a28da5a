-- The compliance room: check runs and their results, manual verdicts with their notes and files, score history.
-- Catalogue items are code (compliance/catalogues), so item ids here are plain text, not foreign keys.

create table compliance.check_runs (
  id             uuid primary key default gen_random_uuid(),
  started_at     timestamptz not null,
  finished_at    timestamptz,
  trigger        text not null check (trigger in ('manual', 'schedule', 'export', 'startup')),
  actor_login    text not null,
  status         text not null check (status in ('running', 'done', 'failed')),
  checks_total   integer not null default 0,
  checks_failed  integer not null default 0
);
create index check_runs_started on compliance.check_runs (started_at desc);

create table compliance.check_results (
  id            uuid primary key default gen_random_uuid(),
  run_id        uuid not null references compliance.check_runs (id) on delete cascade,
  item_id       text not null,
  check_key     text not null,
  check_title   text not null,
  check_kind    text not null check (check_kind in ('automated', 'partial')),
  source_id     text not null,
  room          text not null,
  tenant_id     uuid,
  status        text not null check (status in ('ok', 'error', 'timeout')),
  verdict       text check (verdict in ('pass', 'partial', 'fail', 'na')),
  risk          text check (risk in ('low', 'medium', 'high')),
  summary       text not null,
  evidence      jsonb not null default '{}'::jsonb,
  objects       jsonb,
  collected_at  timestamptz not null,
  duration_ms   integer not null default 0,
  error         text
);
create index check_results_run on compliance.check_results (run_id);
create index check_results_item on compliance.check_results (item_id, collected_at desc);

create table compliance.manual_verdicts (
  id                   uuid primary key default gen_random_uuid(),
  item_id              text not null,
  tenant_id            uuid,
  verdict              text not null check (verdict in ('pass', 'partial', 'fail', 'na')),
  risk                 text check (risk in ('low', 'medium', 'high')),
  note                 text not null,
  objects              jsonb,
  recorded_by          text not null,
  recorded_by_account  uuid,
  recorded_at          timestamptz not null
);
create index manual_verdicts_item on compliance.manual_verdicts (item_id, recorded_at desc);

-- Evidence files: a check's files are stored once per run (a check covering five items does not store them five
-- times), or they come with a manual verdict. Digests let the pack and the UI show exactly which bytes were seen.
create table compliance.evidence_files (
  id            uuid primary key default gen_random_uuid(),
  run_id        uuid references compliance.check_runs (id) on delete cascade,
  check_key     text,
  manual_id     uuid references compliance.manual_verdicts (id) on delete cascade,
  tenant_id     uuid,
  name          text not null,
  content_type  text not null,
  size          bigint not null,
  sha256        text not null,
  sm3           text not null,
  content       bytea not null,
  created_at    timestamptz not null default now(),
  check ((run_id is not null and check_key is not null) or manual_id is not null)
);
create index evidence_files_check on compliance.evidence_files (run_id, check_key);
create index evidence_files_manual on compliance.evidence_files (manual_id);

create table compliance.score_history (
  id                 uuid primary key default gen_random_uuid(),
  computed_at        timestamptz not null,
  run_id             uuid references compliance.check_runs (id) on delete set null,
  catalogue          text not null check (catalogue in ('dengbao-l3', 'miping-l3')),
  catalogue_version  text not null,
  template_id        text not null,
  score              numeric(6, 2) not null,
  grade              text,
  passes             boolean not null,
  counts             jsonb not null,
  categories         jsonb not null
);
create index score_history_time on compliance.score_history (catalogue, computed_at desc);
