-- A cloud's provider is any kind the provider registry knows, not a closed list: adding a
-- provider needs no migration. Existing rows keep their value as text.
ALTER TABLE "clouds" ALTER COLUMN "provider" TYPE TEXT USING "provider"::text;
DROP TYPE "Provider";
