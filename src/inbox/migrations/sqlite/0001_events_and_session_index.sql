-- Every webhook as it arrived: the raw body and headers, stored once per body.
CREATE TABLE events (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    body_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    session_id TEXT,
    source TEXT NOT NULL,
    received_ms BIGINT NOT NULL,
    event_ms BIGINT,
    headers TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX events_session ON events (session_id, event_ms);
CREATE INDEX events_received ON events (received_ms);

-- One row per session: what the events say about it, newest decision first.
CREATE TABLE sessions (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    status TEXT,
    code BIGINT,
    reason_code BIGINT,
    reason TEXT,
    decision_ms BIGINT,
    event_ms BIGINT,
    watchlist_ms BIGINT,
    updated_ms BIGINT NOT NULL,
    vendor_data TEXT,
    end_user_id TEXT,
    person_name TEXT,
    name_key TEXT,
    document_number TEXT,
    document_country TEXT,
    risk_labels TEXT,
    watchlist_status TEXT
);
CREATE INDEX sessions_updated ON sessions (updated_ms DESC, n DESC);
CREATE INDEX sessions_status ON sessions (status, updated_ms DESC, n DESC);
CREATE INDEX sessions_vendor ON sessions (vendor_data);
CREATE INDEX sessions_user ON sessions (end_user_id);
CREATE INDEX sessions_document ON sessions (document_number);
CREATE INDEX sessions_watchlist ON sessions (watchlist_status, updated_ms DESC);

-- Free text: the session's words, kept in step by triggers.
CREATE VIRTUAL TABLE sessions_fts USING fts5 (words, content = '', contentless_delete = 1);
CREATE TRIGGER sessions_fts_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO sessions_fts (rowid, words) VALUES (new.n,
        concat_ws(' ', new.id, new.status, new.reason, new.vendor_data, new.end_user_id,
                  new.person_name, new.document_number, new.document_country, new.risk_labels));
END;
CREATE TRIGGER sessions_fts_update AFTER UPDATE ON sessions BEGIN
    DELETE FROM sessions_fts WHERE rowid = old.n;
    INSERT INTO sessions_fts (rowid, words) VALUES (new.n,
        concat_ws(' ', new.id, new.status, new.reason, new.vendor_data, new.end_user_id,
                  new.person_name, new.document_number, new.document_country, new.risk_labels));
END;
CREATE TRIGGER sessions_fts_delete AFTER DELETE ON sessions BEGIN
    DELETE FROM sessions_fts WHERE rowid = old.n;
END;
