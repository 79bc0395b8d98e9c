-- How much a job's current run had copied over time (milliseconds since the
-- run started; totals of the run), sampled every few seconds for the page's
-- throughput chart. A new run starts a new series.
CREATE TABLE job_throughput (
    job_id   TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    millis   INTEGER NOT NULL,
    bytes    INTEGER NOT NULL,
    messages INTEGER NOT NULL
);
CREATE INDEX job_throughput_job ON job_throughput (job_id, millis);
