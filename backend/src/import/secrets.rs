//! The secrets and trust `ferry import` is given: the password or the
//! OAuth2 token (from a file or the environment, never the command
//! line's visible arguments when avoidable) and a pinned certificate.
//! Secrets live in [`SecretString`]s and are printed nowhere.

use super::ImportError;
use crate::cli::Redacted;
use secrecy::SecretString;
use secrecy::zeroize::Zeroizing;
use std::path::Path;

/// What a secret is, for the error naming it.
#[derive(Debug, Clone, Copy)]
pub enum SecretKind {
    Password,
    Token,
}

/// The secret: the first line of `file` (it wins), else the variable's
/// value.
pub(super) fn secret(
    kind: SecretKind,
    file: Option<&Path>,
    variable: Option<&Redacted>,
) -> Result<SecretString, ImportError> {
    match (file, variable) {
        (Some(path), _) => {
            // The file's text is wiped when dropped, like the secret.
            let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|source| {
                ImportError::SecretFile {
                    kind,
                    path: path.to_path_buf(),
                    source,
                }
            })?);
            Ok(SecretString::from(text.lines().next().unwrap_or_default()))
        }
        (None, Some(value)) => Ok(SecretString::from(value.expose())),
        (None, None) => Err(match kind {
            SecretKind::Password => ImportError::NoPassword,
            SecretKind::Token => ImportError::NoToken,
        }),
    }
}

/// A certificate file, PEM or DER, as DER.
pub(super) fn read_certificate(path: &Path) -> Result<Vec<u8>, ImportError> {
    crate::certificate::read_der(path).map_err(|reason| ImportError::Certificate {
        path: path.to_path_buf(),
        reason,
    })
}
