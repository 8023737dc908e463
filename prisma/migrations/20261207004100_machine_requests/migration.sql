-- A machine from the create form over a budget that asks for approval waits for an admin too:
-- the request then names a cloud and holds the create request instead of a template.

ALTER TABLE "deploy_requests" ALTER COLUMN "template_version" DROP NOT NULL;
ALTER TABLE "deploy_requests" ALTER COLUMN "stack_name" DROP NOT NULL;
ALTER TABLE "deploy_requests" ADD COLUMN "cloud_id" UUID;
ALTER TABLE "deploy_requests" ADD COLUMN "machine_request" JSONB;
ALTER TABLE "deploy_requests" ADD COLUMN "machine_id" UUID;
