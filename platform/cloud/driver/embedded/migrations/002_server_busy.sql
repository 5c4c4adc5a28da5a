-- What the simulated hypervisor is doing to a server (BUILD, RESIZE) and until when: orders complete when the
-- driver reports the server settled, the way Nova's status does on OpenStack.
alter table cloud_embedded.servers add column busy text;
alter table cloud_embedded.servers add column busy_until timestamptz;
