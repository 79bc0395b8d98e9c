//! The page's building blocks, one per file.

mod drop_zone;
mod empty_state;
mod file_report;
mod item_table;

pub use drop_zone::DropZone;
pub use empty_state::EmptyState;
pub use file_report::FileReport;
