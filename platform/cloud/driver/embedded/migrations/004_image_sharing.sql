-- What Glance would hold for an image's sharing: its visibility and the projects it is shared with.
create table cloud_embedded.image_sharing (
  ref        text primary key,
  visibility text not null default 'private' check (visibility in ('private', 'shared', 'public')),
  members    text[] not null default '{}',
  updated_at timestamptz not null default now()
);
