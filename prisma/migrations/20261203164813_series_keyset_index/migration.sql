-- GET /api/v1/series pages across sources in (metric, labelsKey, id) order with a keyset cursor;
-- this index walks that order. Its prefix serves every lookup the metric index did, so that one goes.
CREATE INDEX IF NOT EXISTS "Series_metric_labelsKey_id_idx" ON "Series"("metric", "labelsKey", "id");
DROP INDEX IF EXISTS "Series_metric_idx";
