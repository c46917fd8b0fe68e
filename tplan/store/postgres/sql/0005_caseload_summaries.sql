-- tplan clinic schema, version 5: the caseload summary of each patient (the row's fields, as
-- the services compute them) beside the document, so the caseload paints from one query that
-- never reads a document. Written in the transaction that writes the document, NULL when the
-- document was written without one (a stale summary is never read as current); a background
-- refresh fills it in for the version it was computed from.

ALTER TABLE patients ADD COLUMN summary jsonb;

-- A summary refresh is derived data, not a save: announce only writes of the record itself,
-- or two sessions refreshing each other's rows would wake each other for ever.
DROP TRIGGER patients_notify ON patients;
CREATE TRIGGER patients_notify_insert AFTER INSERT ON patients
    FOR EACH ROW EXECUTE FUNCTION tplan_notify_patient();
CREATE TRIGGER patients_notify_update AFTER UPDATE ON patients
    FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version)
    EXECUTE FUNCTION tplan_notify_patient();
