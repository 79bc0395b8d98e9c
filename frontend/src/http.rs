//! Requests to Ferry's JSON API: reads with GET, changes with POST (JSON,
//! Ferry's request header, the same-origin session cookie), and every
//! failure turned into one plain sentence for the page to show: the
//! back end's own message (`ApiErrorBody`) when it sent one.

use ferry_shared::api::{ApiErrorBody, REQUEST_HEADER};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestCredentials, RequestInit, Response};

const UNREACHABLE: &str = "Ferry could not be reached. Check your connection and try again.";
const UNREADABLE: &str = "Ferry's answer could not be read. Reload the page and try again; if it happens again, tell whoever runs Ferry for you.";

/// `GET url`, answered with JSON.
pub async fn get<T: DeserializeOwned>(url: &str) -> Result<T, String> {
    read_json(send(url, "GET", None).await?).await
}

/// `POST url` with `body` as JSON, answered with JSON.
pub async fn post<T: DeserializeOwned>(url: &str, body: &impl Serialize) -> Result<T, String> {
    let body = serde_json::to_string(body).map_err(|_| UNREADABLE.to_string())?;
    read_json(send(url, "POST", Some(body)).await?).await
}

/// `POST url` with an empty JSON object, answered without a body (202, 204).
pub async fn post_only(url: &str) -> Result<(), String> {
    send(url, "POST", Some("{}".to_string())).await.map(drop)
}

async fn send(url: &str, method: &str, body: Option<String>) -> Result<Response, String> {
    let unreachable = |_| UNREACHABLE.to_string();
    let window = web_sys::window().ok_or(UNREACHABLE)?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    if let Some(body) = body {
        let headers = Headers::new().map_err(unreachable)?;
        headers
            .set("content-type", "application/json")
            .map_err(unreachable)?;
        headers.set(REQUEST_HEADER, "1").map_err(unreachable)?;
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(&body));
    }
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(unreachable)?
        .dyn_into()
        .map_err(unreachable)?;
    if response.ok() {
        Ok(response)
    } else {
        Err(error_message(&response).await)
    }
}

async fn text(response: &Response) -> Option<String> {
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, String> {
    let text = text(&response).await.ok_or(UNREADABLE)?;
    serde_json::from_str(&text).map_err(|_| UNREADABLE.to_string())
}

/// The back end's message, or a plain sentence for an answer without one.
async fn error_message(response: &Response) -> String {
    let status = response.status();
    let body = text(response)
        .await
        .and_then(|text| serde_json::from_str::<ApiErrorBody>(&text).ok());
    match body {
        Some(body) => body.error.message,
        None if status == 408 => {
            "Ferry took too long to answer (a server may be slow). Please try again.".to_string()
        }
        None if status >= 500 => {
            format!("Ferry ran into a problem (error {status}). Please try again in a moment.")
        }
        None => {
            format!("Ferry refused the request (error {status}). Reload the page and try again.")
        }
    }
}
