-- Quotas and constraints per team and per organization (team_id null: the organization's own).
-- An empty list allows everything; a null number sets no limit.
CREATE TABLE "governance_limits" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "team_id" UUID,
    "max_machines" INTEGER,
    "max_vcpus" INTEGER,
    "monthly_budget" DECIMAL(12,2),
    "allowed_cloud_ids" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "allowed_locations" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "allowed_sizes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "allowed_images" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "required_tags" JSONB NOT NULL DEFAULT '{}',
    "max_lifetime_hours" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "governance_limits_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "governance_limits_organization_id_team_id_key" ON "governance_limits"("organization_id", "team_id");

ALTER TABLE "governance_limits" ADD CONSTRAINT "governance_limits_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "governance_limits" ADD CONSTRAINT "governance_limits_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;
