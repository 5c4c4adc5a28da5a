-- jsonb columns as the JSON text a list page sends, kept by PostgreSQL on every write: printing jsonb (jsonb_out)
-- was about a third of PostgreSQL's work per listed row. Only list pages read these (list-json.ts); every other
-- read names its columns, so no row object carries them.
alter table cloud.resources
  add column spec_text text generated always as (spec::text) stored,
  add column tags_text text generated always as (tags::text) stored;
