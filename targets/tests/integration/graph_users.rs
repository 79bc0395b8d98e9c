//! The Graph directory lookup (`ferry_targets::graph::users`) sent over
//! the real HTTP client to the Graph test server, which reads the
//! `$filter` strictly: an address with a quote and URL-special
//! characters is found, an unknown one is not, an alias shared by two
//! users is ambiguous, and a wrong token is refused.

use ferry_targets::ews::Resolution;
use ferry_targets::graph::users::{read_users, users_request};
use ferry_targets::http::{Credentials, HttpClient, HttpOptions};
use ferry_testkit::graph_server::GraphServer;
use ferry_testkit::graph_server::users::DirectoryUser;
use secrecy::SecretString;
use std::collections::HashMap;

fn user(name: &str, mail: &str, proxies: &[&str]) -> DirectoryUser {
    DirectoryUser {
        display_name: name.into(),
        mail: mail.into(),
        user_principal_name: mail.to_lowercase(),
        proxy_addresses: proxies.iter().map(|p| p.to_string()).collect(),
    }
}

async fn look_up(
    server: &GraphServer,
    token: &str,
    address: &str,
) -> ferry_targets::Result<Resolution> {
    let client = HttpClient::new(
        HttpOptions::default(),
        Credentials::bearer(SecretString::from(token)),
    )?;
    let response = client
        .send(users_request(&server.base_url, address)?)
        .await?;
    read_users(address, &response)
}

#[tokio::test]
async fn addresses_are_found_in_the_graph_directory() {
    let server = GraphServer::start("users-token", HashMap::new(), Vec::new());
    server.set_directory(vec![
        user(
            "Seán O'Brien",
            "Sean.O'Brien+cal@example.com",
            &["SMTP:Sean.O'Brien+cal@example.com"],
        ),
        user("Team One", "one@example.com", &["smtp:team@example.com"]),
        user("Team Two", "two@example.com", &["smtp:team@example.com"]),
    ]);
    let found = look_up(&server, "users-token", "sean.o'brien+cal@example.com")
        .await
        .unwrap();
    assert_eq!(
        found,
        Resolution::Resolved {
            name: Some("Seán O'Brien".into()),
            email: "Sean.O'Brien+cal@example.com".into()
        }
    );
    assert_eq!(
        look_up(&server, "users-token", "nobody@example.com")
            .await
            .unwrap(),
        Resolution::NotFound
    );
    match look_up(&server, "users-token", "team@example.com")
        .await
        .unwrap()
    {
        Resolution::Ambiguous { candidates } => assert_eq!(candidates.len(), 2),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        look_up(&server, "wrong-token", "one@example.com").await,
        Err(ferry_targets::Error::AuthFailed { status: 401 })
    ));
}
