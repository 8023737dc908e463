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
