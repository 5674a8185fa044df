-- A word of 4 or more characters also finds any part of an id, a vendorData or a
-- document number (`5821` finds ORDER-58213): their trigrams, read from
-- `sessions` (external content) and told the old values as a row goes, with
-- secure-delete on, as the other text indexes (migration 4): an erased
-- session's id and document number leave the index's pages at once.
CREATE VIRTUAL TABLE parts_fts USING fts5 (
    id, vendor_data, document_number, tokenize = 'trigram', content = 'sessions', content_rowid = 'n');
INSERT INTO parts_fts (parts_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO parts_fts (parts_fts) VALUES ('rebuild');
CREATE TRIGGER parts_fts_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO parts_fts (rowid, id, vendor_data, document_number)
    VALUES (new.n, new.id, new.vendor_data, new.document_number);
END;
CREATE TRIGGER parts_fts_update AFTER UPDATE OF id, vendor_data, document_number ON sessions
    WHEN old.id IS NOT new.id OR old.vendor_data IS NOT new.vendor_data
         OR old.document_number IS NOT new.document_number BEGIN
    INSERT INTO parts_fts (parts_fts, rowid, id, vendor_data, document_number)
    VALUES ('delete', old.n, old.id, old.vendor_data, old.document_number);
    INSERT INTO parts_fts (rowid, id, vendor_data, document_number)
    VALUES (new.n, new.id, new.vendor_data, new.document_number);
END;
CREATE TRIGGER parts_fts_delete AFTER DELETE ON sessions BEGIN
    INSERT INTO parts_fts (parts_fts, rowid, id, vendor_data, document_number)
    VALUES ('delete', old.n, old.id, old.vendor_data, old.document_number);
END;

-- `claimed:` and `tag:` read the marks by their value.
CREATE INDEX marks_claimed ON marks (claimed_by);
CREATE INDEX marks_tag ON marks (tag);

-- `sort:name` reads names in order (`sort:status` has sessions_status).
CREATE INDEX sessions_name ON sessions (name_key, updated_ms DESC, n DESC);
