-- Every webhook as it arrived: the raw body and headers, stored once per body.
CREATE TABLE events (
    n BIGSERIAL PRIMARY KEY,
    body_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    session_id TEXT,
    source TEXT NOT NULL,
    received_ms BIGINT NOT NULL,
    event_ms BIGINT,
    headers TEXT NOT NULL,
    body BYTEA NOT NULL
);
CREATE INDEX events_session ON events (session_id, event_ms);
CREATE INDEX events_received ON events (received_ms);

-- One row per session: what the events say about it, newest decision first.
CREATE TABLE sessions (
    n BIGSERIAL PRIMARY KEY,
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
    watchlist_status TEXT,
    -- Free text: the session's words, kept in step by Postgres itself.
    -- (concat_ws is only STABLE; a generated column needs IMMUTABLE, hence ||.)
    words TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple',
        coalesce(id, '') || ' ' || coalesce(status, '') || ' ' || coalesce(reason, '') || ' ' || coalesce(vendor_data, '') || ' ' || coalesce(end_user_id, '') || ' ' || coalesce(person_name, '') || ' ' || coalesce(document_number, '') || ' ' || coalesce(document_country, '') || ' ' || coalesce(risk_labels, ''))) STORED
);
CREATE INDEX sessions_updated ON sessions (updated_ms DESC, n DESC);
CREATE INDEX sessions_status ON sessions (status, updated_ms DESC, n DESC);
CREATE INDEX sessions_vendor ON sessions (vendor_data);
CREATE INDEX sessions_user ON sessions (end_user_id);
CREATE INDEX sessions_document ON sessions (document_number);
CREATE INDEX sessions_watchlist ON sessions (watchlist_status, updated_ms DESC);
CREATE INDEX sessions_words ON sessions USING GIN (words);
