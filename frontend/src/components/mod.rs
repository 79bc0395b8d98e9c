//! The page's building blocks.

mod detail_panel;
mod drop_zone;
mod empty_state;
mod file_report;
mod item_table;
mod rules_panel;

pub use detail_panel::DetailPanel;
pub use drop_zone::{ACCEPTED, DropZone};
pub use empty_state::EmptyState;
pub use file_report::FileReport;
pub use rules_panel::RulesPanel;
