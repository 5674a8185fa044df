-- `name:` finds part of a name through the names' trigrams: a rare name is found
-- without reading every session's.
CREATE VIRTUAL TABLE names_fts USING fts5 (name, tokenize = 'trigram', content = '', contentless_delete = 1);
INSERT INTO names_fts (rowid, name) SELECT n, name_key FROM sessions WHERE name_key IS NOT NULL;
CREATE TRIGGER names_fts_insert AFTER INSERT ON sessions WHEN new.name_key IS NOT NULL BEGIN
    INSERT INTO names_fts (rowid, name) VALUES (new.n, new.name_key);
END;
CREATE TRIGGER names_fts_update AFTER UPDATE OF name_key ON sessions
    WHEN old.name_key IS NOT new.name_key BEGIN
    DELETE FROM names_fts WHERE rowid = old.n;
    INSERT INTO names_fts (rowid, name) SELECT new.n, new.name_key WHERE new.name_key IS NOT NULL;
END;
CREATE TRIGGER names_fts_delete AFTER DELETE ON sessions BEGIN
    DELETE FROM names_fts WHERE rowid = old.n;
END;
