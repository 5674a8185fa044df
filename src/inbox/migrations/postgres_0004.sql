-- Erasure. A session erased (deleted at Veriff, or at its person's request) is
-- remembered only as a keyed hash of its id, so that a webhook Veriff delivers
-- again, an old archive imported or a fetch never brings it back, while this
-- table names nobody. The key is the store's own, made once here
-- (gen_random_uuid draws from the server's strong random source).
CREATE TABLE inbox_keys (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO inbox_keys (name, value)
    VALUES ('erasure', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));

CREATE TABLE erased (
    id_hash TEXT PRIMARY KEY,
    erased_ms BIGINT NOT NULL
);
