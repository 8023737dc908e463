-- One row per statement that changed what an organization's machine lists show (which machines
-- exist, their cloud, state, names, addresses, tags, creator). Lists cache their total count
-- under (count, max id) of the organization's rows and recount only when that pair moves.
-- No foreign key: deleting an organization cascades to its machines, whose trigger still
-- writes here; the worker prunes rows of organizations that are gone.
CREATE TABLE "machine_list_changes" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "machine_list_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "machine_list_changes_organization_id_id_idx" ON "machine_list_changes"("organization_id", "id");

-- Statement-level, so a sync writing thousands of rows adds one row per organization.
CREATE FUNCTION "machine_list_changed"() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "machine_list_changes" ("organization_id")
      SELECT DISTINCT "organization_id" FROM "new_rows";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "machine_list_changes" ("organization_id")
      SELECT DISTINCT "organization_id" FROM "old_rows";
  ELSE
    -- Cost, monitoring and expiry updates do not change any list's membership: no row.
    INSERT INTO "machine_list_changes" ("organization_id")
      SELECT DISTINCT n."organization_id" FROM "new_rows" n JOIN "old_rows" o ON o."id" = n."id"
      WHERE (o."organization_id", o."cloud_id", o."state", o."name", o."external_id", o."public_ips",
             o."private_ips", o."provider_tags", o."created_by_id")
        IS DISTINCT FROM (n."organization_id", n."cloud_id", n."state", n."name", n."external_id",
             n."public_ips", n."private_ips", n."provider_tags", n."created_by_id");
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "machines_list_changed_insert" AFTER INSERT ON "machines"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "machine_list_changed"();
CREATE TRIGGER "machines_list_changed_update" AFTER UPDATE ON "machines"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "machine_list_changed"();
CREATE TRIGGER "machines_list_changed_delete" AFTER DELETE ON "machines"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "machine_list_changed"();

-- Overcast tags on machines filter lists too (tag filters and tag-limited team policies).
CREATE FUNCTION "machine_tags_changed"() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO "machine_list_changes" ("organization_id")
      SELECT DISTINCT "organization_id" FROM "old_rows" WHERE "resource_kind" = 'machine';
  ELSE
    INSERT INTO "machine_list_changes" ("organization_id")
      SELECT DISTINCT "organization_id" FROM "new_rows" WHERE "resource_kind" = 'machine';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "tags_machine_list_changed_insert" AFTER INSERT ON "tags"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "machine_tags_changed"();
CREATE TRIGGER "tags_machine_list_changed_update" AFTER UPDATE ON "tags"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "machine_tags_changed"();
CREATE TRIGGER "tags_machine_list_changed_delete" AFTER DELETE ON "tags"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "machine_tags_changed"();
