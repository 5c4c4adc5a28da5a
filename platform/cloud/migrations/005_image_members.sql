-- Who an image is shared with. The visibility itself (private | shared | public) is in the image's spec; a
-- member row only counts while the image is shared, so switching back to private keeps the list for later.
create table cloud.image_members (
  image_id   uuid not null references cloud.resources (id) on delete cascade,
  tenant_id  uuid not null,
  added_by   text not null,
  added_at   timestamptz not null default now(),
  primary key (image_id, tenant_id)
);
create index image_members_tenant on cloud.image_members (tenant_id);
