-- A share is pending until the receiving tenant accepts or rejects it (Glance's member status); only an accepted
-- share lets the member list and boot the image. Shares made before this step existed were usable: accepted.
alter table cloud.image_members
  add column status text not null default 'accepted' check (status in ('pending', 'accepted', 'rejected')),
  add column decided_by text,
  add column decided_at timestamptz;
alter table cloud.image_members alter column status set default 'pending';
