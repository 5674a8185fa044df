-- What the store says of itself: the erasure key below, and `compatible_from`,
-- the oldest schema a client may know and still use this store safely (raised by
-- a migration that older clients would misuse: one that ignores erasures would
-- store an erased person again).
--
-- Erasure. A session erased (deleted at Veriff, or at its person's request) is
-- remembered only as a keyed hash of its id, so that a webhook Veriff delivers
-- again, an old archive imported or a fetch never brings it back, while this
-- table names nobody. The key is the store's own, made once here.
CREATE TABLE inbox_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO inbox_meta (name, value) VALUES ('erasure', lower(hex(randomblob(32))));

INSERT INTO inbox_meta (name, value) VALUES ('compatible_from', '4');

CREATE TABLE erased (
    id_hash TEXT PRIMARY KEY,
    erased_ms BIGINT NOT NULL
);

-- The text indexes read their text from `sessions` (external content) instead of
-- keeping none: a contentless index cannot tell which words a deleted row had, so
-- it only marks the row deleted and keeps its words (a name, a document number) in
-- its pages until some later merge. Told the old values as a row goes, with
-- FTS5's secure-delete on, it removes them from its pages at once; the
-- connection's `secure_delete` pragma zeroes what is freed.
DROP TRIGGER sessions_fts_insert;
DROP TRIGGER sessions_fts_update;
DROP TRIGGER sessions_fts_delete;
DROP TABLE sessions_fts;
CREATE VIRTUAL TABLE sessions_fts USING fts5 (
    id, status, reason, vendor_data, end_user_id, person_name, document_number,
    document_country, risk_labels, content = 'sessions', content_rowid = 'n');
INSERT INTO sessions_fts (sessions_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO sessions_fts (sessions_fts) VALUES ('rebuild');
CREATE TRIGGER sessions_fts_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO sessions_fts (rowid, id, status, reason, vendor_data, end_user_id, person_name,
                              document_number, document_country, risk_labels)
    VALUES (new.n, new.id, new.status, new.reason, new.vendor_data, new.end_user_id,
            new.person_name, new.document_number, new.document_country, new.risk_labels);
END;
CREATE TRIGGER sessions_fts_update AFTER UPDATE ON sessions BEGIN
    INSERT INTO sessions_fts (sessions_fts, rowid, id, status, reason, vendor_data, end_user_id,
                              person_name, document_number, document_country, risk_labels)
    VALUES ('delete', old.n, old.id, old.status, old.reason, old.vendor_data, old.end_user_id,
            old.person_name, old.document_number, old.document_country, old.risk_labels);
    INSERT INTO sessions_fts (rowid, id, status, reason, vendor_data, end_user_id, person_name,
                              document_number, document_country, risk_labels)
    VALUES (new.n, new.id, new.status, new.reason, new.vendor_data, new.end_user_id,
            new.person_name, new.document_number, new.document_country, new.risk_labels);
END;
CREATE TRIGGER sessions_fts_delete AFTER DELETE ON sessions BEGIN
    INSERT INTO sessions_fts (sessions_fts, rowid, id, status, reason, vendor_data, end_user_id,
                              person_name, document_number, document_country, risk_labels)
    VALUES ('delete', old.n, old.id, old.status, old.reason, old.vendor_data, old.end_user_id,
            old.person_name, old.document_number, old.document_country, old.risk_labels);
END;

DROP TRIGGER names_fts_insert;
DROP TRIGGER names_fts_update;
DROP TRIGGER names_fts_delete;
DROP TABLE names_fts;
CREATE VIRTUAL TABLE names_fts USING fts5 (
    name_key, tokenize = 'trigram', content = 'sessions', content_rowid = 'n');
INSERT INTO names_fts (names_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO names_fts (names_fts) VALUES ('rebuild');
CREATE TRIGGER names_fts_insert AFTER INSERT ON sessions WHEN new.name_key IS NOT NULL BEGIN
    INSERT INTO names_fts (rowid, name_key) VALUES (new.n, new.name_key);
END;
CREATE TRIGGER names_fts_update AFTER UPDATE OF name_key ON sessions
    WHEN old.name_key IS NOT new.name_key BEGIN
    INSERT INTO names_fts (names_fts, rowid, name_key)
        SELECT 'delete', old.n, old.name_key WHERE old.name_key IS NOT NULL;
    INSERT INTO names_fts (rowid, name_key) SELECT new.n, new.name_key WHERE new.name_key IS NOT NULL;
END;
CREATE TRIGGER names_fts_delete AFTER DELETE ON sessions WHEN old.name_key IS NOT NULL BEGIN
    INSERT INTO names_fts (names_fts, rowid, name_key) VALUES ('delete', old.n, old.name_key);
END;
