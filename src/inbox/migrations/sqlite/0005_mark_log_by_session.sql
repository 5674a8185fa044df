-- A session's mark history (the card, `inbox log`) and an erasure read the mark
-- log by session: an index, instead of a walk through every team's changes.
-- Older clients are unaffected: compatible_from stays.
CREATE INDEX mark_log_session ON mark_log (session_id, n);
