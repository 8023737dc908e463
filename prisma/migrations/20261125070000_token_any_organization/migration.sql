-- An API token may be limited to one organization (as before) or work in every organization its
-- user belongs to (organization_id NULL); such a request names its organization in a header.
ALTER TABLE "api_tokens" ALTER COLUMN "organization_id" DROP NOT NULL;
