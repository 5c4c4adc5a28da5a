-- Stored-procedure learning: the tables a procedure or function touches, learned from its body the first time it is
-- called through a proxy; later calls are attributed to these tables.
create table dbaudit.routines (
  engine text not null check (engine in ('postgresql', 'mysql')),
  db_name text not null,
  name text not null,
  -- false: looked up and not a user routine (a built-in), kept so it is not looked up again.
  user_defined boolean not null,
  language text,
  tables text[] not null default '{}',
  learned_at timestamptz not null default now(),
  primary key (engine, db_name, name)
);
