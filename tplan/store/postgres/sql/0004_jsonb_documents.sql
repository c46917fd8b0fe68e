-- tplan clinic schema, version 4: every document as jsonb (the issue's choice: binary, indexable,
-- validated as JSON by the server). jsonb keeps object keys in an order of its own; the domain
-- puts the keys whose order shows (a note's sections, the engine's data in a decision) in a
-- canonical order when a record is validated, so a record read back exports byte for byte as
-- the record file's does.

ALTER TABLE patients ALTER COLUMN document TYPE jsonb USING document::jsonb;
ALTER TABLE groups ALTER COLUMN document TYPE jsonb USING document::jsonb;
ALTER TABLE sessions ALTER COLUMN document TYPE jsonb USING document::jsonb;
ALTER TABLE attendance ALTER COLUMN document TYPE jsonb USING document::jsonb;
ALTER TABLE group_notes ALTER COLUMN document TYPE jsonb USING document::jsonb;
