-- Schedules and rules act with the rights of a person, checked each time they fire: whoever
-- created them or last changed them. When that person may no longer do what they do, they are
-- turned off and say why. An expiration remembers who set it, for the same check when it is due.
ALTER TABLE "schedules" ADD COLUMN "acting_user_id" UUID;
ALTER TABLE "schedules" ADD COLUMN "disabled_reason" TEXT;
UPDATE "schedules" SET "acting_user_id" = "created_by_id";

ALTER TABLE "rules" ADD COLUMN "acting_user_id" UUID;
ALTER TABLE "rules" ADD COLUMN "disabled_reason" TEXT;
UPDATE "rules" SET "acting_user_id" = "created_by_id";

ALTER TABLE "machines" ADD COLUMN "expiration_set_by_id" UUID;
-- Expirations set before now: whoever set them last (the audit trail says), else the machine's creator.
UPDATE "machines" m SET "expiration_set_by_id" = coalesce(
    (SELECT a."actor_user_id" FROM "audit_events" a
      WHERE a."organization_id" = m."organization_id" AND a."resource_id" = m."id"::text
        AND a."action" = 'machine.expiration.set' AND a."result" = 'success'
      ORDER BY a."id" DESC LIMIT 1),
    m."created_by_id")
  WHERE m."expires_at" IS NOT NULL;
