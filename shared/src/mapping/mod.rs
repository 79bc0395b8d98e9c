//! Mapping rules.
