-- A stack makes volumes and containers besides machines: each row says which, and a volume's
-- row keeps its provider id (volumes are not machines, so machine_id stays empty).

ALTER TABLE "stack_resources" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'machine';
ALTER TABLE "stack_resources" ADD COLUMN "external_id" TEXT;
