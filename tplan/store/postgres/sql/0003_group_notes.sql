-- tplan clinic schema, version 3: group notes (one per session; a shared part and one part per
-- present member), saved with their members' signed progress notes in one transaction.

CREATE TABLE group_notes (
    id          text PRIMARY KEY,
    session_id  text NOT NULL UNIQUE,
    document    json NOT NULL,
    signed      boolean NOT NULL,
    updated_at  timestamptz NOT NULL,
    updated_by  text NOT NULL
);
