-- Jobs of the web flow: whose they are (the source account that signed in),
-- where from and where to (no secrets), their state and the final report;
-- and each folder's progress, so a page opened later shows where a job is.
ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN source TEXT NOT NULL DEFAULT '{}';
ALTER TABLE jobs ADD COLUMN target TEXT NOT NULL DEFAULT '{}';
ALTER TABLE jobs ADD COLUMN pair TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN error TEXT;
ALTER TABLE jobs ADD COLUMN report TEXT;
CREATE INDEX jobs_owner ON jobs (owner, created_at);

CREATE TABLE job_folders (
    job_id      TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    source      TEXT NOT NULL,
    target      TEXT NOT NULL,
    to_copy     INTEGER NOT NULL,
    copied      INTEGER NOT NULL DEFAULT 0,
    bytes       INTEGER NOT NULL,
    bytes_done  INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    done        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, source)
);
