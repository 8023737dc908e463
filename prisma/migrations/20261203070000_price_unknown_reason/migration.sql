-- Why a machine or volume has no price (no table entry for its size or region, a provider
-- without prices...), so the UI can say so instead of showing a bare dash.
ALTER TABLE "machines" ADD COLUMN "price_unknown_reason" TEXT;
ALTER TABLE "volumes" ADD COLUMN "cost_source" TEXT;
ALTER TABLE "volumes" ADD COLUMN "price_unknown_reason" TEXT;
