//! PKCE (RFC 7636): a random code verifier kept on the server, and its
//! S256 challenge sent in the authorization URL; and the random `state`
//! that ties the provider's answer to the browser session that asked.

use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// A code verifier: 32 random bytes, base64url (43 characters, within
/// RFC 7636's 43–128).
pub fn new_verifier() -> SecretString {
    SecretString::from(random_token())
}

/// The S256 challenge of `verifier`.
pub fn challenge(verifier: &SecretString) -> String {
    let digest = Sha256::digest(verifier.expose_secret().as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// A `state` value: 32 random bytes, base64url.
pub fn new_state() -> String {
    random_token()
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the system's random number generator works");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_rfc_7636s() {
        // RFC 7636, appendix B.
        let verifier = SecretString::from("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            challenge(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_and_states_are_long_and_fresh() {
        let (a, b) = (new_verifier(), new_verifier());
        assert_eq!(a.expose_secret().len(), 43);
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert!(
            a.expose_secret()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(new_state(), new_state());
    }
}
