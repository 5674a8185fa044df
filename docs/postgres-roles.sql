-- Roles for a team's inbox on PostgreSQL: who may do what, kept by the database
-- rather than by each person's copy of veriff-tui.
--
-- Run as the role that owns the tables (the administrator: the one that ran
-- `veriff-tui inbox migrate`, and runs purges and backups), in the inbox's
-- database, after every `inbox migrate`. Then give each person a login of their
-- own in one role; claims, tags, notes and erasures are recorded under it:
--   CREATE ROLE ann LOGIN PASSWORD '...' IN ROLE veriff_analyst;
--   CREATE ROLE intake LOGIN PASSWORD '...' IN ROLE veriff_receiver;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'veriff_receiver') THEN
        CREATE ROLE veriff_receiver NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'veriff_analyst') THEN
        CREATE ROLE veriff_analyst NOLOGIN;
    END IF;
END
$$;

-- Both read the schema's version and the store's own settings (its erasure key).
GRANT USAGE ON SCHEMA public TO veriff_receiver, veriff_analyst;
GRANT SELECT ON _sqlx_migrations, inbox_meta TO veriff_receiver, veriff_analyst;

-- The receiver stores webhooks and indexes their sessions, and drops those of
-- erased sessions. It reads no mark and changes none.
GRANT SELECT (n, body_hash, session_id, received_ms, source), INSERT ON events TO veriff_receiver;
GRANT SELECT, INSERT, UPDATE ON sessions TO veriff_receiver;
GRANT SELECT ON erased TO veriff_receiver;
GRANT USAGE ON SEQUENCE events_n_seq, sessions_n_seq TO veriff_receiver;

-- The analyst reads the sessions' index, never a raw body or its headers; sets
-- the team's marks; erases a session deleted at Veriff.
GRANT SELECT, DELETE ON sessions TO veriff_analyst;
GRANT SELECT (n, session_id, kind, source, received_ms, event_ms), DELETE ON events TO veriff_analyst;
GRANT SELECT, INSERT, UPDATE, DELETE ON marks TO veriff_analyst;
GRANT SELECT, INSERT, UPDATE (session_id, value) ON mark_log TO veriff_analyst;
GRANT USAGE ON SEQUENCE mark_log_n_seq TO veriff_analyst;
GRANT SELECT, INSERT ON erased TO veriff_analyst;

-- The team's audit: each analyst's writes, exports and erasures are added under
-- their login, and everyone in the role reads the team's (`inbox audit`).
GRANT SELECT, INSERT ON team_audit TO veriff_analyst;
GRANT USAGE ON SEQUENCE team_audit_n_seq TO veriff_analyst;
