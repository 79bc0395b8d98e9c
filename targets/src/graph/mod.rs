//! Microsoft Graph transport. Being built.
