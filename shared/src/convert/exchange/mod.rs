//! The shape Exchange gives items (shared by EWS and Graph). Being built.
