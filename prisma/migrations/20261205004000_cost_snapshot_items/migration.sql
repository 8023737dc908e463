-- One row per billed machine or volume per day: what the cost report groups by tag, team and
-- owner. The per-cloud cost_snapshots stay the Dashboard's history; both are written by the same
-- job from the same stored prices. No foreign key to machines or volumes: the history outlives them.
CREATE TABLE "cost_snapshot_items" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "cloud_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "resource_kind" TEXT NOT NULL,
    "resource_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "monthly" DECIMAL(14,4) NOT NULL,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "provider_tags" JSONB NOT NULL DEFAULT '{}',
    "owner_id" UUID,
    "team_id" UUID,

    CONSTRAINT "cost_snapshot_items_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "cost_snapshot_items_resource_kind_resource_id_day_key" ON "cost_snapshot_items"("resource_kind", "resource_id", "day");
CREATE INDEX "cost_snapshot_items_organization_id_day_idx" ON "cost_snapshot_items"("organization_id", "day");

ALTER TABLE "cost_snapshot_items" ADD CONSTRAINT "cost_snapshot_items_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "cost_snapshot_items" ADD CONSTRAINT "cost_snapshot_items_cloud_id_fkey" FOREIGN KEY ("cloud_id") REFERENCES "clouds"("id") ON DELETE CASCADE ON UPDATE CASCADE;
