-- Cheaper indexes for a table written at the proxies' statement rate (every index is maintained per row).
-- The console lists newest first by id (the primary key) and filters by time range and by account; neither needs a
-- b-tree ordered by time: rows arrive in time order, so a BRIN range index (a few pages for millions of rows) finds a
-- time window, and the account filter needs only equality, where a b-tree on the account alone deduplicates its many
-- equal keys (smaller, less WAL per row than one on (account, time)).
drop index if exists dbaudit.statements_at;
create index statements_at_brin on dbaudit.statements using brin (at);
drop index if exists dbaudit.statements_user;
create index statements_user on dbaudit.statements (db_user);
