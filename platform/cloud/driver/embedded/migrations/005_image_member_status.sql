-- Glance's member status per member: a share is pending until the member accepts (or rejects) it.
alter table cloud_embedded.image_sharing add column member_status jsonb not null default '{}'::jsonb;
