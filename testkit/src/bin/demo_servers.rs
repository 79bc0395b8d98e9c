//! Two local Dovecot servers for trying Ferry by hand: a legacy source
//! (`.` separator, `INBOX.` prefix) seeded with a generated mailbox, and an
//! empty Exchange-like target (`/`); and two calendar targets: a Radicale
//! (CalDAV) and the EWS test server (its directory knowing three people of
//! the sample calendar, `ana@`, `ben@` and `chloe@sumatra.local`).
//! Prints how to reach them and runs until Enter is pressed (or stdin
//! closes).
//!
//! Usage: `demo_servers [MESSAGES] [--oauth REDIRECT_URL] [--master-user]`
//! (default 300 messages)
//!
//! With `--oauth`, the source takes OAuth2 tokens (XOAUTH2) besides the
//! password, from a test provider (client `ferry-test`, user `alice`,
//! Ferry's callback `REDIRECT_URL`) whose URLs are printed too; and a
//! Microsoft Graph stand-in (a Microsoft 365 calendar target) takes the
//! same provider's tokens, its directory knowing the same three people.
//!
//! With `--master-user`, both servers also hold user `bob` (password
//! `bob-secret`, a smaller mailbox on the source) and a master user
//! `admin` (password `admin-secret`) that may act for every user — for
//! trying admin mode; the EWS server then lets `admin` in too, acting for
//! any user by impersonation but `denied@sumatra.local`.

use base64::Engine as _;
use ferry_shared::convert::exchange::ExchangeOptions;
use ferry_shared::convert::graph::values::source_property_value;
use ferry_shared::mapping::MappingRules;
use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout};
use ferry_testkit::ews_server::EwsServer;
use ferry_testkit::exchange_series::series_starts;
use ferry_testkit::graph_server::GraphServer;
use ferry_testkit::graph_server::users::DirectoryUser;
use ferry_testkit::mailgen::{MailboxSpec, generate};
use ferry_testkit::oauth_provider::{ProviderOptions, TestOAuthProvider};
use ferry_testkit::radicale::{Radicale, RadicaleOptions};
use ferry_testkit::verify::{seed, seed_user};

const OAUTH_KEY: &[u8] = b"ferry-demo-oauth2-signing-key-0123456789";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let messages = args.first().and_then(|n| n.parse().ok()).unwrap_or(300);
    let redirect = args
        .iter()
        .position(|arg| arg == "--oauth")
        .and_then(|at| args.get(at + 1));
    let master = args.iter().any(|arg| arg == "--master-user");
    let with_admin = |mut options: DovecotOptions| {
        if master {
            options.users.push(("bob".into(), "bob-secret".into()));
            options.master_user = Some(("admin".into(), "admin-secret".into()));
        }
        options
    };
    let mut source_options = with_admin(DovecotOptions::new(Layout::LegacyDotted));
    source_options.oauth2_key = redirect.map(|_| OAUTH_KEY.to_vec());
    let source = Dovecot::start(source_options).expect("the source starts");
    let _provider = redirect.map(|redirect| {
        let provider = TestOAuthProvider::start(ProviderOptions::new(redirect, OAUTH_KEY, "alice"));
        println!("authorize: {}", provider.authorize_url());
        println!("token: {}", provider.token_url());
        provider
    });
    let mut target_options = with_admin(DovecotOptions::new(Layout::Slash));
    target_options.special_use = vec![("Sent", "\\Sent"), ("Deleted Items", "\\Trash")];
    let target = Dovecot::start(target_options).expect("the target starts");
    seed(
        &source,
        &generate(&MailboxSpec {
            messages,
            ..MailboxSpec::small(1)
        }),
    )
    .expect("seeding works");
    if master {
        let spec = MailboxSpec {
            messages: (messages / 4).max(1),
            large_messages: 0,
            ..MailboxSpec::small(2)
        };
        seed_user(&source, "bob", "bob-secret", &generate(&spec)).expect("seeding bob works");
        println!("admin: admin (password admin-secret) may act for alice and bob on both servers");
    }
    println!(
        "source: 127.0.0.1:{} (user alice, password alice-secret)",
        source.addr().port()
    );
    println!(
        "target: 127.0.0.1:{} (user alice, password alice-secret)",
        target.addr().port()
    );
    let caldav = Radicale::start(RadicaleOptions::default()).expect("Radicale starts");
    let basic = base64::engine::general_purpose::STANDARD.encode("alice:alice-secret");
    // The occurrences of the sample calendar's series, so its moved
    // occurrence can be changed (the test server lists only those it knows).
    let sample = include_bytes!("../../../static/samples/team-calendar.ics");
    let series = series_starts(
        sample,
        &MappingRules::default(),
        &ExchangeOptions::default(),
    );
    let people = [
        ("Ana Sousa", "ana@sumatra.local"),
        ("Ben Okafor", "ben@sumatra.local"),
        ("Chloé Martin", "chloe@sumatra.local"),
    ];
    let graph = redirect.map(|_| {
        let series = series
            .iter()
            .map(|(key, starts)| (source_property_value(key), starts.clone()))
            .collect();
        let graph = GraphServer::start_for_provider(OAUTH_KEY, series, Vec::new());
        graph.set_directory(
            people
                .iter()
                .map(|(name, mail)| DirectoryUser {
                    display_name: name.to_string(),
                    mail: mail.to_string(),
                    user_principal_name: mail.to_string(),
                    proxy_addresses: vec![format!("SMTP:{mail}")],
                })
                .collect(),
        );
        graph
    });
    let ews = EwsServer::start("demo", &format!("Basic {basic}"), series, Vec::new());
    ews.set_directory(&people);
    if master {
        ews.add_account(&format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("admin:admin-secret")
        ));
        ews.deny_impersonation(&["denied@sumatra.local"]);
    }
    println!(
        "caldav: {} (user alice, password alice-secret)",
        caldav.base_url()
    );
    println!("ews: {} (user alice, password alice-secret)", ews.url);
    if let Some(graph) = &graph {
        println!("graph: {} (the test provider's tokens)", graph.base_url);
    }
    println!();
    println!(
        "FERRY_PASSWORD1=alice-secret FERRY_PASSWORD2=alice-secret ferry sync \\\n  --host1 127.0.0.1 --port1 {} --notls1 --user1 alice \\\n  --host2 127.0.0.1 --port2 {} --notls2 --user2 alice --automap",
        source.addr().port(),
        target.addr().port()
    );
    println!();
    println!("Press Enter to stop the servers.");
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}
