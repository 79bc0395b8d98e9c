-- The folders a user chose to move (a JSON array of full names); NULL moves
-- every folder. Kept with the job so a resumed or repeated run moves the
-- same ones.
ALTER TABLE jobs ADD COLUMN chosen_folders TEXT;
