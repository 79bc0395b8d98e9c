-- Admin mode's user list: per admin (the owner key of the admin's jobs),
-- each listed user in list order with their group, and the job moving
-- them once a group was started. No secrets: the service accounts'
-- passwords are held in memory only.
CREATE TABLE admin_users (
    owner       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    source_user TEXT NOT NULL,
    target_user TEXT NOT NULL,
    group_name  TEXT NOT NULL,
    job_id      TEXT REFERENCES jobs (id) ON DELETE SET NULL,
    PRIMARY KEY (owner, position)
);
CREATE INDEX admin_users_group ON admin_users (owner, group_name);
