-- Calendar jobs of the web flow: the export files the page sent (name and
-- text, so a re-run or a resumed run reads the same ones) with each file's
-- progress, and the mapping rules the page used (JSON). A calendar job's
-- target account is in jobs.target and its account key in jobs.pair; its
-- per-item report is jobs.report.
ALTER TABLE jobs ADD COLUMN rules TEXT;

CREATE TABLE job_files (
    job_id        TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    text          TEXT NOT NULL,
    to_insert     INTEGER NOT NULL DEFAULT 0,
    inserted      INTEGER NOT NULL DEFAULT 0,
    already_there INTEGER NOT NULL DEFAULT 0,
    failed        INTEGER NOT NULL DEFAULT 0,
    done          INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    PRIMARY KEY (job_id, position)
);
