//! The server part of a sign-in form: a host, port and security the user
//! types (a site that lists no servers), or one of the site's servers.

use super::text_field::{Kind, TextField};
use ferry_shared::api::{Security, ServerChoice, Side, SiteServer, SiteView};
use leptos::prelude::*;

/// What the fields hold.
#[derive(Debug, Clone, Copy)]
pub struct ServerInput {
    typed: bool,
    host: RwSignal<String>,
    port: RwSignal<String>,
    security: RwSignal<Security>,
    listed: RwSignal<String>,
}

fn default_port(security: Security) -> u16 {
    match security {
        Security::Tls => 993,
        Security::StartTls | Security::Plain => 143,
    }
}

fn security_value(security: Security) -> &'static str {
    match security {
        Security::Tls => "tls",
        Security::StartTls => "starttls",
        Security::Plain => "plain",
    }
}

fn security_from(value: &str) -> Security {
    match value {
        "starttls" => Security::StartTls,
        "plain" => Security::Plain,
        _ => Security::Tls,
    }
}

/// The servers of the site the `side` may use.
fn servers_for(site: &SiteView, side: Side) -> Vec<SiteServer> {
    site.servers
        .iter()
        .filter(|s| s.sides.contains(&side))
        .cloned()
        .collect()
}

impl ServerInput {
    pub fn new(site: &SiteView, side: Side) -> Self {
        let first = servers_for(site, side)
            .first()
            .map(|s| s.id.clone())
            .unwrap_or_default();
        Self {
            typed: site.typed_servers,
            host: RwSignal::new(String::new()),
            port: RwSignal::new(default_port(Security::Tls).to_string()),
            security: RwSignal::new(Security::Tls),
            listed: RwSignal::new(first),
        }
    }

    /// The server chosen, or what is missing, in plain words.
    pub fn choice(&self) -> Result<ServerChoice, String> {
        if !self.typed {
            let id = self.listed.get_untracked();
            if id.is_empty() {
                return Err("Choose a server from the list.".to_string());
            }
            return Ok(ServerChoice::Listed { id });
        }
        let host = self.host.get_untracked().trim().to_string();
        if host.is_empty() {
            return Err(
                "Type the name of the mail server, for example imap.example.com.".to_string(),
            );
        }
        let port = self
            .port
            .get_untracked()
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or("The port is a number from 1 to 65535 (usually 993).")?;
        Ok(ServerChoice::Imap {
            host,
            port,
            security: self.security.get_untracked(),
        })
    }

    /// The site's server chosen, when it signs in through its OAuth2
    /// provider ("Sign in with …") instead of a password. Tracked.
    pub fn oauth_server(&self, site: &SiteView) -> Option<SiteServer> {
        if self.typed {
            return None;
        }
        let id = self.listed.get();
        site.servers
            .iter()
            .find(|server| server.id == id && server.oauth)
            .cloned()
    }

    /// Picks the security, and its usual port unless the user typed
    /// another one.
    fn set_security(&self, security: Security) {
        let old = self.security.get_untracked();
        let port = self.port.get_untracked();
        if port.trim().is_empty() || port.trim() == default_port(old).to_string() {
            self.port.set(default_port(security).to_string());
        }
        self.security.set(security);
    }
}

#[component]
pub fn ServerFields(
    input: ServerInput,
    side: Side,
    site: SiteView,
    prefix: &'static str,
) -> impl IntoView {
    let id = move |name: &str| format!("{prefix}-{name}");
    if !input.typed {
        let servers = servers_for(&site, side);
        if servers.is_empty() {
            return view! {
                <p class="form-error">
                    {format!("This site offers no server for your {}. Ask whoever runs Ferry for you.", side.label())}
                </p>
            }
            .into_any();
        }
        return view! {
            <div class="field">
                <label for=id("server")>"Server"</label>
                <select
                    id=id("server")
                    prop:value=move || input.listed.get()
                    on:change=move |ev| input.listed.set(event_target_value(&ev))
                >
                    {servers
                        .into_iter()
                        .map(|s| view! { <option value=s.id.clone()>{s.label.clone()}</option> })
                        .collect_view()}
                </select>
            </div>
        }
        .into_any();
    }
    view! {
        <TextField
            id=id("host")
            label="Mail server (IMAP)"
            value=input.host
            kind=Kind::Host
            autocomplete="off"
            placeholder="imap.example.com"
        />
        <div class="field-row">
            <TextField id=id("port") label="Port" value=input.port kind=Kind::Number autocomplete="off" class="port"/>
            <div class="field">
                <label for=id("security")>"Security"</label>
                <select
                    id=id("security")
                    prop:value=move || security_value(input.security.get())
                    on:change=move |ev| input.set_security(security_from(&event_target_value(&ev)))
                >
                    <option value="tls">"TLS (usual, port 993)"</option>
                    <option value="starttls">"STARTTLS (port 143)"</option>
                    <option value="plain">"None (unencrypted)"</option>
                </select>
            </div>
        </div>
    }
    .into_any()
}
