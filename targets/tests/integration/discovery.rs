//! Discovery through the well-known URLs finds both home sets, for each
//! account its own.

use crate::{base_url, client, runtime, start};
use ferry_targets::caldav::xml::multistatus::XmlLimits;
use ferry_targets::caldav::{CollectionKind, DavClient};
use ferry_targets::http::{Credentials, HttpOptions};
use ferry_testkit::radicale::{Radicale, RadicaleOptions};
use secrecy::SecretString;

#[test]
fn well_known_urls_lead_to_the_principal_and_both_home_sets() {
    let server = start();
    let client = client(&server);
    let runtime = runtime();
    let expected = format!("{}alice/", server.base_url());
    for kind in [CollectionKind::Calendar, CollectionKind::AddressBook] {
        let home = runtime.block_on(client.discover(kind)).unwrap();
        assert_eq!(home.home.as_str(), expected, "{kind:?}");
        assert_eq!(home.principal.unwrap().as_str(), expected, "{kind:?}");
    }
}

#[test]
fn each_account_finds_its_own_home() {
    let server = Radicale::start(RadicaleOptions {
        users: vec![
            ("alice".into(), "alice-secret".into()),
            ("bob".into(), "bob-secret".into()),
        ],
        ..Default::default()
    })
    .unwrap();
    let runtime = runtime();
    for (user, password) in server.users() {
        let client = DavClient::new(
            base_url(&server),
            Credentials::new(user.clone(), SecretString::from(password.clone())),
            HttpOptions::default(),
            XmlLimits::default(),
        )
        .unwrap();
        let home = runtime
            .block_on(client.discover(CollectionKind::Calendar))
            .unwrap();
        assert_eq!(home.home.as_str(), format!("{}{user}/", server.base_url()));
    }
    // Radicale made each principal's folder in the storage it was given.
    for (user, _) in server.users() {
        assert!(
            server
                .storage_path()
                .join("collection-root")
                .join(user)
                .is_dir(),
            "{user}"
        );
    }
}
