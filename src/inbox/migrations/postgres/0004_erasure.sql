-- What the store says of itself: the erasure key below, and `compatible_from`,
-- the oldest schema a client may know and still use this store safely (raised by
-- a migration that older clients would misuse: one that ignores erasures would
-- store an erased person again).
--
-- Erasure. A session erased (deleted at Veriff, or at its person's request) is
-- remembered only as a keyed hash of its id, so that a webhook Veriff delivers
-- again, an old archive imported or a fetch never brings it back, while this
-- table names nobody. The key is the store's own, made once here
-- (gen_random_uuid draws from the server's strong random source).
CREATE TABLE inbox_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO inbox_meta (name, value)
    VALUES ('erasure', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));

INSERT INTO inbox_meta (name, value) VALUES ('compatible_from', '4');

CREATE TABLE erased (
    id_hash TEXT PRIMARY KEY,
    erased_ms BIGINT NOT NULL
);
