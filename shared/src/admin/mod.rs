//! Admin mode's shared part: the JSON the admin page and the back end
//! exchange ([`api`]), and the user list an admin pastes ([`user_list`]),
//! read the same way in the browser and on the server.
//!
//! * [`api`] — service-account session, the list's users with their
//!   status, what starting a group answers.
//! * [`calendar_files`] — which listed user each calendar export file
//!   is named after.
//! * [`user_list`] — the CSV `source_user,target_user,group`, checked line
//!   by line with plain errors naming the line.

pub mod api;
pub mod calendar_files;
pub mod user_list;
