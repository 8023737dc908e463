-- Networks, subnets and firewalls of each cloud, as the inventory poll last saw them. Which
-- machines sit in each is kept as the machines' provider ids, like volumes' attached_to.
-- Every table has provider_tags so the policy filters of the `networks` kind apply to all three.
CREATE TABLE "networks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "cloud_id" UUID NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "cidr" TEXT,
    "region" TEXT,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "machine_ids" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "provider_tags" JSONB NOT NULL DEFAULT '{}',
    "extra" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "networks_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "networks_cloud_id_external_id_key" ON "networks"("cloud_id", "external_id");
CREATE INDEX "networks_organization_id_idx" ON "networks"("organization_id");
ALTER TABLE "networks" ADD CONSTRAINT "networks_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "networks" ADD CONSTRAINT "networks_cloud_id_fkey" FOREIGN KEY ("cloud_id") REFERENCES "clouds"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "subnets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "cloud_id" UUID NOT NULL,
    "external_id" TEXT NOT NULL,
    "network_external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "cidr" TEXT NOT NULL,
    "location" TEXT,
    "machine_ids" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "provider_tags" JSONB NOT NULL DEFAULT '{}',
    "extra" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "subnets_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "subnets_cloud_id_external_id_key" ON "subnets"("cloud_id", "external_id");
CREATE INDEX "subnets_organization_id_idx" ON "subnets"("organization_id");
ALTER TABLE "subnets" ADD CONSTRAINT "subnets_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "subnets" ADD CONSTRAINT "subnets_cloud_id_fkey" FOREIGN KEY ("cloud_id") REFERENCES "clouds"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "firewalls" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "cloud_id" UUID NOT NULL,
    "external_id" TEXT NOT NULL,
    "network_external_id" TEXT,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "rules" JSONB NOT NULL DEFAULT '[]',
    "machine_ids" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "provider_tags" JSONB NOT NULL DEFAULT '{}',
    "extra" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "firewalls_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "firewalls_cloud_id_external_id_key" ON "firewalls"("cloud_id", "external_id");
CREATE INDEX "firewalls_organization_id_idx" ON "firewalls"("organization_id");
ALTER TABLE "firewalls" ADD CONSTRAINT "firewalls_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "firewalls" ADD CONSTRAINT "firewalls_cloud_id_fkey" FOREIGN KEY ("cloud_id") REFERENCES "clouds"("id") ON DELETE CASCADE ON UPDATE CASCADE;
