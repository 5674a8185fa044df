-- The team's audit: every write to Veriff, purge, import and export made through
-- the tool, as its audit line, under who made it. Filled on PostgreSQL only (one
-- person's SQLite file has their audit log beside it); here for one schema.
-- A session is named by its keyed hash, never its id: an erasure leaves no row
-- naming it, and the hash still finds its lines (`inbox audit`).
CREATE TABLE team_audit (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms BIGINT NOT NULL,
    login TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    session_hash TEXT,
    line TEXT NOT NULL
);
CREATE INDEX team_audit_at ON team_audit (at_ms);
