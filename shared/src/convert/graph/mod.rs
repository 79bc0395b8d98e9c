//! Microsoft Graph JSON for events, To Do tasks and contacts. Being built.
