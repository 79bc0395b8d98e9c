//! The page's building blocks.

mod address_check;
mod admin_calendar_files;
mod admin_groups;
mod admin_mode;
mod calendar_step;
mod detail_panel;
mod drop_zone;
mod empty_state;
mod file_report;
mod folder_choice;
mod item_table;
mod job_list;
mod job_panel;
mod job_progress;
mod mailbox_card;
mod move_mail;
mod move_steps;
mod page_intro;
mod page_tabs;
mod review_start;
mod rules_panel;
mod server_fields;
mod service_account_card;
mod sign_in_form;
mod sign_in_return;
mod signed_in_line;
mod text_field;
mod throughput_chart;

pub use address_check::{AddressCheckButton, AddressChecks};
mod user_list_input;

pub use admin_mode::AdminMode;
pub use detail_panel::DetailPanel;
pub use drop_zone::{ACCEPTED, DropZone};
pub use empty_state::EmptyState;
pub use file_report::FileReport;
pub use move_mail::MoveMail;
pub use page_intro::PageIntro;
pub use page_tabs::{PageTabs, Part, shown_part};
pub use rules_panel::RulesPanel;
