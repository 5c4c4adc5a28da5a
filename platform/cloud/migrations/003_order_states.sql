-- An order follows the resource as the infrastructure reports it: submitted (recorded) → running (the driver
-- accepted it) → completed (the resource is really there: ACTIVE) or failed (with the reason). 'processing'
-- stays valid for orders written before.
alter table cloud.orders drop constraint orders_status_check;
alter table cloud.orders add constraint orders_status_check check (status in ('submitted', 'running', 'processing', 'completed', 'failed'));
create index orders_pending on cloud.orders (created_at) where status in ('submitted', 'running');
