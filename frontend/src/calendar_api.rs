//! The calls of calendar and contacts, typed with `ferry_shared::api`:
//! starting a calendar job with the files the Preview tab read, following
//! it, and checking addresses against the new server's directory.

use crate::http;
use ferry_shared::api::{
    AddressCheckResult, CheckAddresses, ExportFile, JobCreated, JobView, StartCalendarJob,
};
use ferry_shared::mapping::MappingRules;

/// Starts putting the items of `files` (mapped by `rules`) into the
/// calendar target signed in.
pub async fn start(files: Vec<ExportFile>, rules: MappingRules) -> Result<JobCreated, String> {
    http::post("/api/calendar-jobs", &StartCalendarJob { files, rules }).await
}

/// Job `id` as it is now.
pub async fn job(id: &str) -> Result<JobView, String> {
    http::get(&crate::mail_api::job_url(id, "")).await
}

/// What the new server's directory says about `addresses`.
pub async fn check_addresses(addresses: Vec<String>) -> Result<AddressCheckResult, String> {
    http::post("/api/addresses/check", &CheckAddresses { addresses }).await
}
