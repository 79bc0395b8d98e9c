//! OAuth2 authorization code with PKCE (RFC 6749, RFC 7636), for
//! providers such as Microsoft 365 and Google whose mailboxes accept no
//! password. The protocol steps are sans-I/O: this module writes the
//! authorization URL and the token requests' form bodies and reads the
//! token answers; one thin driver sends the token requests. Tokens are
//! secrets: they live in [`secrecy::SecretString`]s and never reach a log
//! or `Debug` output.
//!
//! * [`pkce`] — the verifier, its challenge, and the `state` value.
//! * [`flow`] — the authorization URL, the code and refresh requests,
//!   and the tokens answered.
//! * [`id_token`] — the user an OpenID Connect ID token names.
//! * [`token_client`] — the POST to the token endpoint, under the site's
//!   address policy.
//! * [`token_source`] — a mailbox's tokens, renewed before a connection
//!   when they are about to expire.

pub mod flow;
pub mod id_token;
pub mod pkce;
pub mod token_client;
pub mod token_source;
