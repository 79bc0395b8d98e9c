//! A pinned certificate read from a file, PEM or DER, as DER: for a
//! server with a self-signed certificate (`ferry import
//! --pin-certificate`, a site's `pinned_certificate`).

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use std::path::Path;

/// The certificate in `path` as DER, or why it cannot be read.
pub fn read_der(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|err| err.to_string())?;
    if !bytes.starts_with(b"-----BEGIN") {
        return Ok(bytes);
    }
    CertificateDer::from_pem_slice(&bytes)
        .map(|der| der.to_vec())
        .map_err(|err| format!("not a PEM certificate ({err})"))
}
