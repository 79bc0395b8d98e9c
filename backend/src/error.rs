//! Errors crossing the back end's boundary. Binaries wrap them in `anyhow`;
//! HTTP handlers turn them into [`crate::server::ApiError`], which shows a
//! stable code and a plain message and never the internal detail.

use std::path::PathBuf;
use thiserror::Error;

/// Everything that can go wrong in the back end outside a single request.
#[derive(Debug, Error)]
pub enum BackendError {
    #[error("cannot read the configuration file {path}: {source}")]
    ConfigRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid: {message}")]
    ConfigInvalid { path: PathBuf, message: String },
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the job store failed: {0}")]
    Store(#[from] sqlx::Error),
    #[error("the job store holds something unreadable: {0}")]
    Corrupt(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("the web server stopped: {0}")]
    Serve(std::io::Error),
    #[error("cannot keep credentials encrypted: {0}")]
    CredentialKey(#[from] crate::jobs::sealed::KeyError),
}
