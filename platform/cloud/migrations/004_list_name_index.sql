-- Lists sorted by name (the console's VM list default) walk this index in either direction and stop after
-- the page, instead of sorting every row of the tenant's kind.
create index resources_tenant_kind_name on cloud.resources (tenant_id, kind, name, id);
