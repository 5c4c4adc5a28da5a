-- A GM/T 0021 hardware token (SM3 dynamic password) as a second factor beside TOTP.
alter table identity.accounts add column otp_token_serial text;
alter table identity.accounts add column otp_token_seed_sealed text;
alter table identity.accounts add column otp_token_last_step bigint;
create unique index accounts_otp_token_serial on identity.accounts (otp_token_serial) where otp_token_serial is not null;
