-- Scripts: who started a run (as people read it), the selector it was given, its timeout.
ALTER TABLE "script_runs" ADD COLUMN "started_by_label" TEXT NOT NULL DEFAULT '';
ALTER TABLE "script_runs" ADD COLUMN "target" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "script_runs" ADD COLUMN "timeout_seconds" INTEGER NOT NULL DEFAULT 600;
ALTER TABLE "script_run_targets" ADD COLUMN "machine_name" TEXT NOT NULL DEFAULT '';

-- Schedules: when a run finished and why it failed as a whole.
ALTER TABLE "schedule_runs" ADD COLUMN "finished_at" TIMESTAMPTZ(3);
ALTER TABLE "schedule_runs" ADD COLUMN "error" TEXT;
CREATE INDEX "schedule_runs_organization_id_fired_at_idx" ON "schedule_runs"("organization_id", "fired_at");
