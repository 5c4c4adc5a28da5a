-- Ingest throughput (issue 6). Measured on COPY of 200,000 bench rows into one day partition (docs/log-audit.md,
-- "Index cost"): the trigram GIN index on raw costs more than the seven B-trees together, and the index on
-- event_action (a handful of distinct values, never selective enough for the planner to pick) costs inserts for
-- nothing. So:
-- - events_action goes;
-- - the trigram index is no longer one index on the whole table but one per day partition, built by
--   `logaudit.index_day` here and by the log audit's start and hourly upkeep: on every day by default, or
--   only on closed days (before today, UTC) with YIYUN_LOG_FULLTEXT_INDEX=closed-days, where a full-text search over
--   today reads its rows with `raw ilike` (as PGlite does everywhere): faster ingest, slower search over today.
drop index if exists logaudit.events_action;
drop index if exists logaudit.events_raw_trgm;

-- Name of a day partition's trigram index.
create function logaudit.trgm_index_name(d date) returns text language sql immutable as $$
  select logaudit.partition_name(d) || '_raw_trgm'
$$;

-- Builds the trigram index of one day's partition when pg_trgm is installed and the partition exists and lacks it.
-- Returns whether it built one. (The upkeep builds it CONCURRENTLY instead, outside a transaction, so that late
-- events of that day are not held up; this function is for the migration and for callers inside a transaction.)
create function logaudit.index_day(d date) returns boolean language plpgsql as $$
declare
  part text := logaudit.partition_name(d);
  ext_schema text;
begin
  if to_regclass('logaudit.' || part) is null or to_regclass('logaudit.' || logaudit.trgm_index_name(d)) is not null then
    return false;
  end if;
  select n.nspname into ext_schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm';
  if ext_schema is null then
    return false;
  end if;
  execute format('create index %I on logaudit.%I using gin (raw %I.gin_trgm_ops)', logaudit.trgm_index_name(d), part, ext_schema);
  return true;
end
$$;

-- Every existing day keeps its full-text index (dropping the table-wide one above dropped theirs).
do $$
declare
  p record;
begin
  for p in
    select to_date(substr(c.relname, 8), 'YYYYMMDD') as day
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'logaudit.events'::regclass and c.relname ~ '^events_[0-9]{8}$'
  loop
    perform logaudit.index_day(p.day);
  end loop;
end
$$;
