-- `name:` finds part of a name through the names' trigrams (pg_trgm), so a rare
-- name is found without reading every session's. pg_trgm is a trusted extension
-- (a database owner may create it) shipped with PostgreSQL; where it cannot be
-- had, `name:` still works, reading every session.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX sessions_name_trigrams ON sessions USING GIN (name_key gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'no trigram index for name: (%); name: reads every session', SQLERRM;
END
$$;
