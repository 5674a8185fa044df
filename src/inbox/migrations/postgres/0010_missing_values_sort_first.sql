-- `sort:status` and `sort:name` put the sessions without one first, as SQLite
-- does and as the next page's cursor expects; PostgreSQL sorts NULL last unless
-- told. The two indexes that read those orders are rebuilt to match.
DROP INDEX sessions_status;
CREATE INDEX sessions_status ON sessions (status NULLS FIRST, updated_ms DESC, n DESC);
DROP INDEX sessions_name;
CREATE INDEX sessions_name ON sessions (name_key NULLS FIRST, updated_ms DESC, n DESC);
