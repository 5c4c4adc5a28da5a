-- The list pages order by (created_at, id) in one direction; the first index had id ascending under
-- created_at descending, so every page sorted the tenant's rows again. This one serves both directions
-- (a btree scans backwards), and holds every column a page's id lookup needs (index-only scan).
create index resources_tenant_kind_page on cloud.resources (tenant_id, kind, created_at desc, id desc);
drop index cloud.resources_tenant_kind;
create index resources_kind_created_page on cloud.resources (kind, created_at desc, id desc);
drop index cloud.resources_kind_created;
