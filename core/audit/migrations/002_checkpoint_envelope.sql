-- The signing service's detached envelope (yiyun-sig/1, with the certificate chain) next to the raw SM2 signature.
-- Checkpoints written before it have none and verify with the key alone (the same key pair, see docs/crypto.md).
alter table audit.checkpoints add column envelope jsonb;
