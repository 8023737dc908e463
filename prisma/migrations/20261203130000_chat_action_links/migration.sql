-- Incidents can be acknowledged (from a chat message's button); the links used are remembered
-- until they expire, so each acts once.
ALTER TABLE "incidents" ADD COLUMN "acknowledged_at" TIMESTAMPTZ(3);
ALTER TABLE "incidents" ADD COLUMN "acknowledged_by" TEXT;

CREATE TABLE "action_link_uses" (
    "token_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "used_by" UUID,
    "used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "action_link_uses_pkey" PRIMARY KEY ("token_id")
);

CREATE INDEX "action_link_uses_expires_at_idx" ON "action_link_uses"("expires_at");

ALTER TABLE "action_link_uses" ADD CONSTRAINT "action_link_uses_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
