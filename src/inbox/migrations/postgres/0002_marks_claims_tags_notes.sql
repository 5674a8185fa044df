-- A team's own marks on a session: who claimed it, its tag, a one-line note, each
-- with who set it and when. Local to the inbox: never sent to Veriff.
CREATE TABLE marks (
    session_id TEXT PRIMARY KEY,
    claimed_by TEXT,
    claimed_ms BIGINT,
    tag TEXT,
    tag_by TEXT,
    tag_ms BIGINT,
    note TEXT,
    note_by TEXT,
    note_ms BIGINT
);

-- Every change of a mark (and every session removed), in order: who did what and
-- when. Open browsers poll its newest number, with the events', to stay live.
CREATE TABLE mark_log (
    n BIGSERIAL PRIMARY KEY,
    session_id TEXT NOT NULL,
    what TEXT NOT NULL,
    value TEXT,
    who TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
