-- Audit rows written before source URL passwords were masked (lib/sources/secrets.ts) still hold
-- them as typed: a source's create/update `config` and an update's `before.config`. Mask them with
-- the same rule as maskUrl (scheme://user:password@ -> scheme://user:***@; no password, no change)
-- on the same fields (url, baseUrl, brokerUrl, servers when a string). Idempotent: a masked
-- password stays `***`, and only rows that change are written.
CREATE FUNCTION vigil_mask_source_config(c jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(c) = 'object' THEN c || coalesce((
    SELECT jsonb_object_agg(f, regexp_replace(c ->> f, '^([a-z][a-z0-9+.-]*://[^/?#@:]*:)[^/?#@]+@', '\1***@', 'i'))
    FROM unnest(ARRAY['url', 'baseUrl', 'brokerUrl', 'servers']) f
    WHERE jsonb_typeof(c -> f) = 'string'), '{}'::jsonb) ELSE c END
$$;

UPDATE "AuditLog" a SET details = m.details
FROM (
  SELECT id, details AS old,
    CASE WHEN jsonb_typeof(d1 -> 'before') = 'object' AND (d1 -> 'before') ? 'config'
      THEN jsonb_set(d1, '{before,config}', vigil_mask_source_config(d1 #> '{before,config}')) ELSE d1 END AS details
  FROM (
    SELECT id, details,
      CASE WHEN details ? 'config' THEN jsonb_set(details, '{config}', vigil_mask_source_config(details -> 'config')) ELSE details END AS d1
    FROM "AuditLog"
    WHERE entity = 'source' AND jsonb_typeof(details) = 'object'
  ) s
) m
WHERE a.id = m.id AND m.details IS DISTINCT FROM m.old;

DROP FUNCTION vigil_mask_source_config(jsonb);
