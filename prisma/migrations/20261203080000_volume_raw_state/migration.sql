-- Volume states become one vocabulary across providers; the provider's own word is kept beside it.
ALTER TABLE "volumes" ADD COLUMN "raw_state" TEXT NOT NULL DEFAULT '';

UPDATE "volumes" SET
  "raw_state" = CASE WHEN "state" = 'missing' THEN '' ELSE "state" END,
  "state" = CASE
    WHEN "state" = 'missing' THEN 'missing'
    WHEN lower("state") IN ('in-use', 'attached') THEN 'in-use'
    WHEN lower("state") IN ('ready', 'available') THEN
      CASE WHEN cardinality("attached_to") > 0 THEN 'in-use' ELSE 'available' END
    WHEN lower("state") IN ('creating', 'restoring') THEN 'creating'
    WHEN lower("state") IN ('deleting', 'deleted') THEN 'deleting'
    WHEN lower("state") IN ('error', 'failed') THEN 'error'
    ELSE 'unknown'
  END;
