-- Templates imported from a Git repository: the template keeps what to follow (repository,
-- ref, path, an optional sealed token); each version keeps the commit its source was read at.

ALTER TABLE "templates" ADD COLUMN "git_url" TEXT;
ALTER TABLE "templates" ADD COLUMN "git_ref" TEXT;
ALTER TABLE "templates" ADD COLUMN "git_path" TEXT;
ALTER TABLE "templates" ADD COLUMN "git_token" BYTEA;

ALTER TABLE "template_versions" ADD COLUMN "git_url" TEXT;
ALTER TABLE "template_versions" ADD COLUMN "git_commit" TEXT;
ALTER TABLE "template_versions" ADD COLUMN "git_path" TEXT;
