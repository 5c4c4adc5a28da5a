-- Full-text search (`text` in a search) is `raw ilike '%word%'` per word. Without an index every search reads every
-- row of the days it covers; a trigram GIN index on raw lets PostgreSQL find the rows holding a word of 3+ characters.
-- pg_trgm ships with PostgreSQL (contrib, a trusted extension since 13). Where it cannot be created — the embedded
-- PGlite loads no extension by default — the index is left out and search falls back to scanning, which is fine at
-- the sizes PGlite holds.
do $$
declare
  ext_schema text;
begin
  begin
    create extension if not exists pg_trgm;
  exception when others then
    raise notice 'pg_trgm is not available (%): log search runs without the trigram index', sqlerrm;
  end;
  select n.nspname into ext_schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm';
  if ext_schema is not null then
    execute format('create index if not exists events_raw_trgm on logaudit.events using gin (raw %I.gin_trgm_ops)', ext_schema);
  end if;
end
$$;
