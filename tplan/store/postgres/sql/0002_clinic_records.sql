-- tplan clinic schema, version 2: treatment groups, sessions and attendance, each record a row
-- (its whole JSON document plus the columns the queries use), saved with audit entries in one
-- transaction like the patients.

CREATE TABLE groups (
    id          text PRIMARY KEY,
    document    json NOT NULL,
    name        text NOT NULL,
    updated_at  timestamptz NOT NULL,
    updated_by  text NOT NULL
);

CREATE TABLE sessions (
    id              text PRIMARY KEY,
    document        json NOT NULL,
    on_date         date NOT NULL,
    occurrence_of   text NOT NULL,
    patient_id      text REFERENCES patients (id),
    updated_at      timestamptz NOT NULL,
    updated_by      text NOT NULL,
    -- one session per occurrence (a group's meeting, a schedule's appointment) and day
    UNIQUE (occurrence_of, on_date)
);
CREATE INDEX sessions_on_date ON sessions (on_date);

CREATE TABLE attendance (
    id          text PRIMARY KEY,
    session_id  text NOT NULL REFERENCES sessions (id),
    patient_id  text NOT NULL REFERENCES patients (id),
    document    json NOT NULL,
    updated_at  timestamptz NOT NULL,
    updated_by  text NOT NULL,
    UNIQUE (session_id, patient_id)
);

-- Attendance changes a patient's figures: announce it like a save of the patient.
CREATE FUNCTION tplan_notify_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tplan_patients', NEW.patient_id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER attendance_notify AFTER INSERT OR UPDATE ON attendance
    FOR EACH ROW EXECUTE FUNCTION tplan_notify_attendance();
