-- Monitoring: how a machine's metrics are gathered, and what rules remember between evaluations.
ALTER TABLE "machines" ADD COLUMN "monitoring_method" TEXT NOT NULL DEFAULT 'ssh';
ALTER TABLE "machines" ADD COLUMN "node_exporter_url" TEXT;
ALTER TABLE "machines" ADD COLUMN "monitoring_since" TIMESTAMPTZ(3);
ALTER TABLE "machines" ADD COLUMN "monitoring_error" TEXT;

CREATE TABLE "rule_states" (
    "rule_id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "consecutive" INTEGER NOT NULL DEFAULT 0,
    "last_action_at" TIMESTAMPTZ(3),

    CONSTRAINT "rule_states_pkey" PRIMARY KEY ("rule_id","subject")
);

ALTER TABLE "rule_states" ADD CONSTRAINT "rule_states_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;
