-- The last TOTP time step used to log in: a code is accepted once, and never one from an earlier step.
ALTER TABLE users ADD COLUMN totp_last_step bigint;
