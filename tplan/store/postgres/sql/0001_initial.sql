-- tplan clinic schema, version 1.
-- One row per patient: the whole record as a JSON document, its version (one more per save),
-- and the summary columns the caseload and the name directory read without the document.
-- The document is `json`, not `jsonb`: jsonb reorders object keys, and a record must come
-- back exactly as it was saved (a note's sections in their order, a decision's copy of the
-- suggestion), so that an export from the server equals the export from the file. Queries
-- use the summary columns, not the document.

CREATE TABLE patients (
    id              text PRIMARY KEY,
    document        json NOT NULL,
    version         bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    active          boolean NOT NULL,
    display_name    text NOT NULL,
    counselor       text NOT NULL DEFAULT '',
    admission_date  date NOT NULL,
    updated_at      timestamptz NOT NULL,
    updated_by      text NOT NULL
);
CREATE INDEX patients_active ON patients (active, counselor);

-- Who did what to which record, naming fields, never their content. Append-only.
CREATE TABLE audit (
    seq         bigserial PRIMARY KEY,
    at          timestamptz NOT NULL,
    by_name     text NOT NULL,
    os_user     text NOT NULL DEFAULT '',
    action      text NOT NULL,
    patient_id  text,
    record_id   text,
    fields      text[] NOT NULL DEFAULT '{}',
    detail      text NOT NULL DEFAULT ''
);
CREATE INDEX audit_patient ON audit (patient_id, seq);

-- The disclosure log (42 CFR Part 2 accounting of exports), kept by the server as well as in
-- the patient's document, so that no session can rewrite it: one row per entry as logged and
-- one more each time its status changes (started -> completed or failed). Append-only.
CREATE TABLE disclosures (
    seq         bigserial PRIMARY KEY,
    id          text NOT NULL,
    patient_id  text NOT NULL REFERENCES patients (id),
    at          timestamptz NOT NULL,
    entry       jsonb NOT NULL,
    logged_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disclosures_patient ON disclosures (patient_id, seq);

CREATE FUNCTION tplan_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the % table is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION tplan_refuse_change();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION tplan_refuse_change();
CREATE TRIGGER disclosures_append_only BEFORE UPDATE OR DELETE ON disclosures
    FOR EACH ROW EXECUTE FUNCTION tplan_refuse_change();
CREATE TRIGGER disclosures_no_truncate BEFORE TRUNCATE ON disclosures
    FOR EACH STATEMENT EXECUTE FUNCTION tplan_refuse_change();

-- Every saved patient is announced to the other sessions (delivered at commit).
CREATE FUNCTION tplan_notify_patient() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tplan_patients', NEW.id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER patients_notify AFTER INSERT OR UPDATE ON patients
    FOR EACH ROW EXECUTE FUNCTION tplan_notify_patient();
