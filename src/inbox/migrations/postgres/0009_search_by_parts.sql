-- A word of 4 or more characters also finds any part of an id, a vendorData or a
-- document number (`5821` finds ORDER-58213), and `vendor:ORDER-58*` is a
-- prefix: both read these trigram indexes (pg_trgm, as `name:` does, migration
-- 3). Without pg_trgm they still work, reading every session.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX sessions_id_trigrams ON sessions USING GIN (id gin_trgm_ops);
    CREATE INDEX sessions_vendor_trigrams ON sessions USING GIN (vendor_data gin_trgm_ops);
    CREATE INDEX sessions_user_trigrams ON sessions USING GIN (end_user_id gin_trgm_ops);
    CREATE INDEX sessions_document_trigrams ON sessions USING GIN (document_number gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'no trigram indexes for parts of ids (%); they read every session', SQLERRM;
END
$$;

-- `claimed:` and `tag:` read the marks by their value.
CREATE INDEX marks_claimed ON marks (claimed_by);
CREATE INDEX marks_tag ON marks (tag);

-- `sort:name` reads names in order (`sort:status` has sessions_status).
CREATE INDEX sessions_name ON sessions (name_key, updated_ms DESC, n DESC);
