//! EWS transport. Being built.
