-- Credentials of running jobs, encrypted with the site's key (only when
-- `[store] credentials_key_env` names one): a row is the nonce and the
-- ciphertext with its tag; nothing in it is readable without the key.
CREATE TABLE job_credentials (
    job_id TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    nonce BLOB NOT NULL,
    ciphertext BLOB NOT NULL
);
