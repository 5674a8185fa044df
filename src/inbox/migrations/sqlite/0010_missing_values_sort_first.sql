-- PostgreSQL's orders by status and by name now put missing values first, as
-- SQLite's always did. Kept so both schemas share a number.
SELECT 1;
