//! The user's mapping rules and their application to items, before
//! anything is written: the preview shows the result of [`map_report`]
//! for every item, with its status and warnings in plain words.
//!
//! * [`addresses`]: the user map (legacy `exceptions.txt` style) and
//!   domain rewrites, read from and written to text files;
//! * [`zones`]: which time-zone names targets understand (CLDR);
//! * [`recurrence`]: which repeat rules Exchange can hold;
//! * [`apply`]: rules → mapped items, statuses and warnings.

pub mod addresses;
pub mod apply;
pub mod recurrence;
pub mod zones;

pub use addresses::{DomainRewrites, RuleError, UserMap};
pub use apply::{
    DuplicateUids, ItemStatus, MappedItem, Mapper, MappingWarning, WarningCode, map_report,
};

use serde::{Deserialize, Serialize};

/// How meeting attendees are written to the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttendeeMode {
    /// Attendees stay attendees.
    #[default]
    Full,
    /// Attendees, their roles and answers are written into the description
    /// and the item carries none, so the target e-mails nobody (required
    /// for Microsoft 365 through Graph).
    Flat,
}

/// Everything the user can set about how items are mapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MappingRules {
    pub users: UserMap,
    pub domains: DomainRewrites,
    /// Zone for times written without one (and for CSV exports, which
    /// carry none), e.g. `Europe/Berlin`.
    pub default_zone: Option<String>,
    pub attendees: AttendeeMode,
    /// Category given to meetings kept despite a missing organizer.
    /// Default: `Meetings_MissingOrganizer`.
    pub missing_organizer_category: String,
}

impl MappingRules {
    /// Default for [`MappingRules::missing_organizer_category`].
    pub const DEFAULT_MISSING_ORGANIZER_CATEGORY: &'static str = "Meetings_MissingOrganizer";
}

impl Default for MappingRules {
    fn default() -> Self {
        Self {
            users: UserMap::default(),
            domains: DomainRewrites::default(),
            default_zone: None,
            attendees: AttendeeMode::Full,
            missing_organizer_category: Self::DEFAULT_MISSING_ORGANIZER_CATEGORY.to_string(),
        }
    }
}
