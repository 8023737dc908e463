-- Templates (YAML documents, every version kept) and the stacks deployed from them: the
-- machines each stack made and the steps it ran, so a restarted worker resumes without
-- making anything twice and a destroy removes exactly what the stack made.
CREATE TABLE "templates" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "current_version" INTEGER NOT NULL DEFAULT 1,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "templates_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "templates_organization_id_name_key" ON "templates"("organization_id", "name");
ALTER TABLE "templates" ADD CONSTRAINT "templates_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "template_versions" (
    "template_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "created_by_label" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "template_versions_pkey" PRIMARY KEY ("template_id", "version")
);
ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "stacks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "template_id" UUID,
    "template_version" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "inputs" JSONB NOT NULL DEFAULT '{}',
    "secret_inputs" TEXT,
    "status" TEXT NOT NULL DEFAULT 'deploying',
    "error" TEXT,
    "outputs" JSONB NOT NULL DEFAULT '{}',
    "created_by_id" UUID,
    "created_by_label" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "stacks_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "stacks_organization_id_name_key" ON "stacks"("organization_id", "name");
ALTER TABLE "stacks" ADD CONSTRAINT "stacks_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "stacks" ADD CONSTRAINT "stacks_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "stack_resources" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "stack_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "index" INTEGER NOT NULL DEFAULT 0,
    "cloud_id" UUID,
    "machine_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "address" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stack_resources_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "stack_resources_stack_id_name_index_key" ON "stack_resources"("stack_id", "name", "index");
CREATE INDEX "stack_resources_machine_id_idx" ON "stack_resources"("machine_id");
ALTER TABLE "stack_resources" ADD CONSTRAINT "stack_resources_stack_id_fkey" FOREIGN KEY ("stack_id") REFERENCES "stacks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "stack_steps" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "stack_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'waiting',
    "script_id" UUID,
    "script_run_id" UUID,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "output" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "stack_steps_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "stack_steps_stack_id_name_key" ON "stack_steps"("stack_id", "name");
ALTER TABLE "stack_steps" ADD CONSTRAINT "stack_steps_stack_id_fkey" FOREIGN KEY ("stack_id") REFERENCES "stacks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
