-- PostgreSQL records every mark as the database login that wrote it (a trigger);
-- one person's SQLite file has one writer. Kept so both schemas share a number.
SELECT 1;
