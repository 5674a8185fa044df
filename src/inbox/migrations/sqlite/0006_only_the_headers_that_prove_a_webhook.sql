-- Older versions kept every request header: the API key in every row and
-- whatever a proxy added (an Authorization, a Cookie). Only what proves and
-- traces a webhook stays (receiver::KEPT_HEADERS); secure_delete zeroes the rest.
UPDATE events SET headers = (
    SELECT json_group_object(key, value) FROM json_each(events.headers)
    WHERE key IN ('x-hmac-signature', 'vrf-hmac-signature', 'content-type', 'vrf-integration-id')
) WHERE headers != '{}';

-- A client older than this keeps storing every header: it may no longer write here.
UPDATE inbox_meta SET value = '6' WHERE name = 'compatible_from';
