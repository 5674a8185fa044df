-- The team's audit: every write to Veriff, purge, import and export any member
-- made through the tool, as its audit line (which holds no personal value),
-- recorded under the database login that made it (session_user, not what the
-- client says). A session is named by its keyed hash, never its id: an erasure
-- leaves no row naming it, and the hash still finds its lines (`inbox audit`).
CREATE TABLE team_audit (
    n BIGSERIAL PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    login TEXT NOT NULL DEFAULT session_user,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    session_hash TEXT,
    line TEXT NOT NULL
);
CREATE INDEX team_audit_at ON team_audit (at_ms);
