-- Older versions kept every request header: the API key in every row and
-- whatever a proxy added (an Authorization, a Cookie). Only what proves and
-- traces a webhook stays (receiver::KEPT_HEADERS). The old values stay in the
-- table's files until VACUUM reuses the space (README: what VACUUM does).
UPDATE events SET headers = COALESCE((
    SELECT jsonb_object_agg(key, value) FROM jsonb_each(events.headers::jsonb)
    WHERE key IN ('x-hmac-signature', 'vrf-hmac-signature', 'content-type', 'vrf-integration-id')
)::text, '{}') WHERE headers != '{}';

-- A client older than this keeps storing every header: it may no longer write here.
UPDATE inbox_meta SET value = '6' WHERE name = 'compatible_from';
