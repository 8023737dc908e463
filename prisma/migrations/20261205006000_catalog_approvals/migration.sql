-- The catalog (template versions published to teams), requests over budget kept for an
-- admin's approval, and what a stack still to be made holds against the quotas.

-- Whether a request over a budget is refused or kept for an admin's approval.
ALTER TABLE "governance_limits" ADD COLUMN "over_budget" TEXT NOT NULL DEFAULT 'refuse';

-- A stack machine not yet made counts against the quotas with these figures.
ALTER TABLE "stack_resources" ADD COLUMN "vcpus" INTEGER;
ALTER TABLE "stack_resources" ADD COLUMN "cost_monthly" DECIMAL(12,2);

-- A stack an admin approved over budget: its machines are not refused on the budget again.
ALTER TABLE "stacks" ADD COLUMN "over_budget_approved" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "catalog_items" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "template_id" UUID NOT NULL,
    "template_version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "team_ids" UUID[] NOT NULL DEFAULT ARRAY[]::UUID[],
    "published_by_label" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalog_items_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "catalog_items_organization_id_name_key" ON "catalog_items"("organization_id", "name");
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "deploy_requests" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "catalog_item_id" UUID,
    "template_id" UUID,
    "template_version" INTEGER NOT NULL,
    "stack_name" TEXT NOT NULL,
    "inputs" JSONB NOT NULL DEFAULT '{}',
    "secret_inputs" TEXT,
    "requested_by_id" UUID,
    "requested_by_label" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "refusal" TEXT NOT NULL DEFAULT '',
    "decision_reason" TEXT,
    "decided_by_label" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "stack_id" UUID,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deploy_requests_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "deploy_requests_organization_id_status_idx" ON "deploy_requests"("organization_id", "status");
ALTER TABLE "deploy_requests" ADD CONSTRAINT "deploy_requests_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "deploy_requests" ADD CONSTRAINT "deploy_requests_catalog_item_id_fkey" FOREIGN KEY ("catalog_item_id") REFERENCES "catalog_items"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "deploy_requests" ADD CONSTRAINT "deploy_requests_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE SET NULL ON UPDATE CASCADE;
