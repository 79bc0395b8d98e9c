-- Admin mode's calendars: per admin (owner) and listed user, the export
-- files the admin gave for them (JSON list of {name, text}, matched to the
-- user by name), their names alone (JSON list, for the status) and the
-- calendar job putting them into the user's new
-- mailbox once their group was started. New files for a user start a new
-- job (job_id back to NULL). No secrets.
CREATE TABLE admin_calendars (
    owner       TEXT NOT NULL,
    source_user TEXT NOT NULL,
    target_user TEXT NOT NULL,
    files       TEXT NOT NULL,
    names       TEXT NOT NULL,
    job_id      TEXT REFERENCES jobs (id) ON DELETE SET NULL,
    PRIMARY KEY (owner, source_user)
);
