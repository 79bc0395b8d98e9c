-- Mail sync state (ferry-mail's StateStore): one row per source folder of
-- an account pair, and one per copied message with its target UID.
CREATE TABLE sync_folders (
    pair                  TEXT NOT NULL,
    source_folder         TEXT NOT NULL,
    target_folder         TEXT NOT NULL,
    source_uidvalidity    INTEGER NOT NULL,
    target_uidvalidity    INTEGER NOT NULL,
    source_uidnext        INTEGER NOT NULL,
    source_highestmodseq  INTEGER,
    target_uidnext        INTEGER NOT NULL,
    complete              INTEGER NOT NULL,
    PRIMARY KEY (pair, source_folder)
);

CREATE TABLE sync_messages (
    pair           TEXT NOT NULL,
    source_folder  TEXT NOT NULL,
    source_uid     INTEGER NOT NULL,
    target_uid     INTEGER NOT NULL,
    flags          TEXT NOT NULL,
    PRIMARY KEY (pair, source_folder, source_uid)
);
