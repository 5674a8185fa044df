-- Who set a mark is the database login that wrote it, whatever the client says:
-- a member with psql cannot record a claim, a tag, a note or a mark-log line as
-- a colleague. (The tool sends the same login; this holds for every client.)
CREATE FUNCTION veriff_marked_by_login() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'mark_log' THEN
        NEW.who := session_user;
    ELSIF TG_OP = 'INSERT' THEN
        IF NEW.claimed_by IS NOT NULL THEN NEW.claimed_by := session_user; END IF;
        IF NEW.tag_by IS NOT NULL THEN NEW.tag_by := session_user; END IF;
        IF NEW.note_by IS NOT NULL THEN NEW.note_by := session_user; END IF;
    ELSE
        IF NEW.claimed_by IS NOT NULL AND NEW.claimed_by IS DISTINCT FROM OLD.claimed_by THEN
            NEW.claimed_by := session_user;
        END IF;
        IF NEW.tag_by IS NOT NULL AND (NEW.tag_by IS DISTINCT FROM OLD.tag_by OR NEW.tag IS DISTINCT FROM OLD.tag) THEN
            NEW.tag_by := session_user;
        END IF;
        IF NEW.note_by IS NOT NULL AND (NEW.note_by IS DISTINCT FROM OLD.note_by OR NEW.note IS DISTINCT FROM OLD.note) THEN
            NEW.note_by := session_user;
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER mark_log_by_login BEFORE INSERT ON mark_log
    FOR EACH ROW EXECUTE FUNCTION veriff_marked_by_login();
CREATE TRIGGER marks_by_login BEFORE INSERT OR UPDATE ON marks
    FOR EACH ROW EXECUTE FUNCTION veriff_marked_by_login();
