-- tplan clinic schema, version 6: saves of groups, sessions, attendance and group notes are
-- announced too (channel tplan_clinic, payload 'group:<id>' or 'session:<id>'; attendance and a
-- group note are changes to their session), so another counselor's Today, week and group
-- screens follow them. Delivered at commit, once per payload and transaction.

CREATE FUNCTION tplan_notify_clinic() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'groups' THEN
        PERFORM pg_notify('tplan_clinic', 'group:' || NEW.id);
    ELSIF TG_TABLE_NAME = 'sessions' THEN
        PERFORM pg_notify('tplan_clinic', 'session:' || NEW.id);
    ELSE
        PERFORM pg_notify('tplan_clinic', 'session:' || NEW.session_id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER groups_notify AFTER INSERT OR UPDATE ON groups
    FOR EACH ROW EXECUTE FUNCTION tplan_notify_clinic();
CREATE TRIGGER sessions_notify AFTER INSERT OR UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION tplan_notify_clinic();
CREATE TRIGGER attendance_notify_session AFTER INSERT OR UPDATE ON attendance
    FOR EACH ROW EXECUTE FUNCTION tplan_notify_clinic();
CREATE TRIGGER group_notes_notify AFTER INSERT OR UPDATE ON group_notes
    FOR EACH ROW EXECUTE FUNCTION tplan_notify_clinic();
