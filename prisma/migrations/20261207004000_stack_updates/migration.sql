-- Stack updates: each update is a new generation of the stack's jobs, the state before it is
-- kept for a rollback, and a machine being replaced stays until its successor is ready.

ALTER TABLE "stacks" ADD COLUMN "generation" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "stacks" ADD COLUMN "previous" JSONB;

ALTER TABLE "stack_resources" ADD COLUMN "retired_machine_id" UUID;
