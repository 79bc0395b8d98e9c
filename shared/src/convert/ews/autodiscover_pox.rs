//! POX (plain old XML) Autodiscover, the fallback when no SOAP
//! Autodiscover answers: the Outlook request for an address (written
//! with quick-xml's writer) and its answer read into the same
//! [`UserSettingsAnswer`] as the SOAP one — the `EwsUrl` of the `EXPR`
//! (external) and `EXCH` (internal) protocols, a `redirectAddr` or
//! `redirectUrl` action, or an `Error`. Read with the limits of every
//! EWS answer (no DOCTYPE, no entity, bounded depth).

use super::EwsError;
use super::autodiscover::UserSettingsAnswer;
use super::responses::parse;
use super::xml::{document, text_element};

/// The POX request schema.
pub const POX_REQUEST_NS: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
/// The answer schema asked for.
pub const POX_RESPONSE_SCHEMA: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

/// The POX Autodiscover request for `address`.
pub fn pox_request(address: &str) -> Result<String, EwsError> {
    document(|w| {
        w.create_element("Autodiscover")
            .with_attribute(("xmlns", POX_REQUEST_NS))
            .write_inner_content(|w| {
                w.create_element("Request").write_inner_content(|w| {
                    text_element(w, "EMailAddress", address)?;
                    text_element(w, "AcceptableResponseSchema", POX_RESPONSE_SCHEMA)
                })?;
                Ok(())
            })?;
        Ok(())
    })
}

/// The answer to a POX request.
pub fn read_pox_response(xml: &str) -> Result<UserSettingsAnswer, EwsError> {
    let root = parse(xml)?;
    let response = (root.name == "Autodiscover")
        .then(|| root.child("Response"))
        .flatten()
        .ok_or_else(|| EwsError::Unexpected("the answer is no Autodiscover response".into()))?;
    if let Some(error) = response.child("Error") {
        return Ok(UserSettingsAnswer::Error {
            code: error.child_text("ErrorCode").unwrap_or_default(),
            message: error.child_text("Message").unwrap_or_default(),
        });
    }
    let account = response
        .child("Account")
        .ok_or_else(|| EwsError::Unexpected("the answer has no Account".into()))?;
    let text = |name: &str| account.child_text(name).unwrap_or_default();
    Ok(match account.child_text("Action").as_deref() {
        Some("redirectAddr") => UserSettingsAnswer::RedirectAddress(text("RedirectAddr")),
        Some("redirectUrl") => UserSettingsAnswer::RedirectUrl(text("RedirectUrl")),
        _ => {
            let ews_url = |kind: &str| {
                account
                    .children
                    .iter()
                    .filter(|p| p.name == "Protocol")
                    .find(|p| p.child_text("Type").as_deref() == Some(kind))
                    .and_then(|p| p.child_text("EwsUrl"))
                    .filter(|url| !url.is_empty())
            };
            UserSettingsAnswer::Settings {
                external_ews_url: ews_url("EXPR"),
                internal_ews_url: ews_url("EXCH"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(account: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="{POX_RESPONSE_SCHEMA}">{account}</Response></Autodiscover>"#
        )
    }

    #[test]
    fn the_request_names_the_address() {
        let xml = pox_request("a&b@x.test").unwrap();
        assert!(
            xml.contains("<EMailAddress>a&amp;b@x.test</EMailAddress>"),
            "{xml}"
        );
        assert!(xml.contains(POX_RESPONSE_SCHEMA));
    }

    #[test]
    fn settings_redirects_and_errors_are_read() {
        let settings = answer(
            "<Account><AccountType>email</AccountType><Action>settings</Action><Protocol><Type>EXCH</Type><EwsUrl>https://in/EWS/Exchange.asmx</EwsUrl></Protocol><Protocol><Type>EXPR</Type><EwsUrl>https://out/EWS/Exchange.asmx</EwsUrl></Protocol></Account>",
        );
        assert_eq!(
            read_pox_response(&settings).unwrap(),
            UserSettingsAnswer::Settings {
                external_ews_url: Some("https://out/EWS/Exchange.asmx".into()),
                internal_ews_url: Some("https://in/EWS/Exchange.asmx".into()),
            }
        );
        let redirect = answer(
            "<Account><Action>redirectUrl</Action><RedirectUrl>https://ad.y.test/autodiscover/autodiscover.xml</RedirectUrl></Account>",
        );
        assert_eq!(
            read_pox_response(&redirect).unwrap(),
            UserSettingsAnswer::RedirectUrl(
                "https://ad.y.test/autodiscover/autodiscover.xml".into()
            )
        );
        let error = answer(
            r#"<Error Time="1" Id="2"><ErrorCode>500</ErrorCode><Message>The e-mail address cannot be found.</Message></Error>"#,
        );
        assert_eq!(
            read_pox_response(&error).unwrap(),
            UserSettingsAnswer::Error {
                code: "500".into(),
                message: "The e-mail address cannot be found.".into()
            }
        );
        assert!(read_pox_response("<html/>").is_err());
    }
}
