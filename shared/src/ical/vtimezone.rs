//! A VTIMEZONE read into a [`crate::model::ZoneDefinition`]. Being built.
