//! The IMAP session driver against Dovecot.

use crate::{alice, endpoint, logged_in};
use ferry_mail::imap::{Credentials, Endpoint, ImapError, Security, Session, SessionOptions};
use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout};
use imap_codec::imap_types::command::CommandBody;
use imap_codec::imap_types::core::Literal;
use imap_codec::imap_types::fetch::{
    MacroOrMessageDataItemNames, MessageDataItem, MessageDataItemName,
};
use imap_codec::imap_types::response::{Code, Data};
use imap_codec::imap_types::sequence::SequenceSet;
use secrecy::SecretString;

fn server() -> Dovecot {
    Dovecot::start(DovecotOptions::new(Layout::LegacyDotted)).expect("dovecot starts")
}

#[tokio::test]
async fn logs_in_with_login_and_sasl_plain_and_refuses_bad_passwords() {
    let server = server();
    let session = logged_in(&server).await;
    assert!(
        session.capabilities().has("UIDPLUS"),
        "{:?}",
        session.capabilities()
    );
    session.logout().await;

    let mut session = Session::connect(&endpoint(&server), SessionOptions::default())
        .await
        .unwrap();
    let plain = Credentials::Plain {
        authzid: None,
        user: "alice".into(),
        password: SecretString::from("alice-secret"),
    };
    session
        .authenticate(&plain)
        .await
        .expect("SASL PLAIN works");

    let mut session = Session::connect(&endpoint(&server), SessionOptions::default())
        .await
        .unwrap();
    let wrong = Credentials::Login {
        user: "alice".into(),
        password: SecretString::from("wrong"),
    };
    let err = session.authenticate(&wrong).await.unwrap_err();
    assert!(matches!(err, ImapError::AuthenticationFailed(_)), "{err}");
    let _ = alice();
}

#[tokio::test]
async fn starttls_is_mandatory_when_chosen() {
    // The test server offers no TLS: choosing STARTTLS must fail rather
    // than continue in plaintext.
    let server = server();
    let mut target = endpoint(&server);
    target.security = Security::StartTls;
    let err = Session::connect(&target, SessionOptions::default())
        .await
        .err()
        .expect("refused");
    assert!(matches!(err, ImapError::StartTlsUnavailable), "{err}");
}

#[tokio::test]
async fn pipelined_appends_report_appenduid_and_fetch_returns_the_bytes() {
    let server = server();
    let mut session = logged_in(&server).await;
    let messages: Vec<Vec<u8>> = (0..20)
        .map(|i| {
            format!("Subject: message {i}\r\nMessage-ID: <{i}@test>\r\n\r\nBody {i}\r\n")
                .into_bytes()
        })
        .collect();
    let literal_plus = session.capabilities().has("LITERAL+");
    let appends = messages
        .iter()
        .map(|m| {
            let literal = Literal::try_from(m.clone()).unwrap();
            let literal = if literal_plus {
                literal.into_non_sync()
            } else {
                literal
            };
            CommandBody::append("INBOX", vec![], None, literal).unwrap()
        })
        .collect();
    let completions = session.pipeline(appends, |_, _| {}).await.unwrap();
    let uids: Vec<u32> = completions
        .iter()
        .map(|c| match &c.code {
            Some(Code::AppendUid { uid, .. }) => uid.get(),
            other => panic!("no APPENDUID: {other:?}"),
        })
        .collect();
    assert_eq!(uids, (1..=20).collect::<Vec<_>>());

    session
        .run("EXAMINE", CommandBody::examine("INBOX").unwrap())
        .await
        .unwrap();
    let items = MacroOrMessageDataItemNames::MessageDataItemNames(vec![
        MessageDataItemName::Uid,
        MessageDataItemName::BodyExt {
            section: None,
            partial: None,
            peek: true,
        },
    ]);
    let fetch = CommandBody::fetch(SequenceSet::try_from("1:*").unwrap(), items, true).unwrap();
    let mut bodies = Vec::new();
    for data in session.run("FETCH", fetch).await.unwrap().data {
        if let Data::Fetch { items, .. } = data {
            for item in items.into_iter() {
                if let MessageDataItem::BodyExt { data, .. } = item {
                    bodies.push(
                        data.0
                            .map(|d| d.into_inner().into_owned())
                            .unwrap_or_default(),
                    );
                }
            }
        }
    }
    assert_eq!(bodies, messages);
    session.logout().await;
}

#[tokio::test]
async fn compress_deflate_carries_commands_and_large_responses() {
    let mut options = DovecotOptions::new(Layout::Slash);
    options.compress = true;
    let server = Dovecot::start(options).unwrap();
    let mut session = logged_in(&server).await;
    session.identify().await;
    assert!(
        session.compress().await.unwrap(),
        "the server offers COMPRESS=DEFLATE"
    );
    assert!(session.is_compressed());
    // A 300 KB message goes through compressed APPEND and FETCH intact.
    let message: Vec<u8> = (0..6000)
        .flat_map(|i| format!("line {i} of a long compressed message\r\n").into_bytes())
        .collect();
    let literal = Literal::try_from(message.clone()).unwrap().into_non_sync();
    session
        .run(
            "APPEND",
            CommandBody::append("INBOX", vec![], None, literal).unwrap(),
        )
        .await
        .unwrap();
    session
        .run("EXAMINE", CommandBody::examine("INBOX").unwrap())
        .await
        .unwrap();
    let items =
        MacroOrMessageDataItemNames::MessageDataItemNames(vec![MessageDataItemName::BodyExt {
            section: None,
            partial: None,
            peek: true,
        }]);
    let fetch = CommandBody::fetch(SequenceSet::try_from("1").unwrap(), items, false).unwrap();
    let mut got = Vec::new();
    for data in session.run("FETCH", fetch).await.unwrap().data {
        if let Data::Fetch { items, .. } = data {
            for item in items.into_iter() {
                if let MessageDataItem::BodyExt { data, .. } = item {
                    got = data
                        .0
                        .map(|d| d.into_inner().into_owned())
                        .unwrap_or_default();
                }
            }
        }
    }
    assert_eq!(got, message);
    session.logout().await;
}

fn tls_server() -> Dovecot {
    let mut options = DovecotOptions::new(Layout::Slash);
    options.tls = true;
    Dovecot::start(options).expect("dovecot with TLS starts")
}

#[tokio::test]
async fn a_self_signed_server_is_trusted_only_when_pinned() {
    let server = tls_server();
    let other = tls_server();
    let implicit = |pinned: Option<Vec<u8>>| Endpoint {
        host: "127.0.0.1".into(),
        port: server.tls_addr().unwrap().port(),
        security: Security::Tls,
        pinned_certificate: pinned,
        address_policy: None,
    };

    // Not pinned: the certificate is not from a trusted authority.
    let err = Session::connect(&implicit(None), SessionOptions::default())
        .await
        .err()
        .expect("refused");
    assert!(matches!(err, ImapError::Tls(_)), "{err}");
    // Pinned to another server's certificate: refused too.
    let err = Session::connect(
        &implicit(other.certificate_der()),
        SessionOptions::default(),
    )
    .await
    .err()
    .expect("refused");
    assert!(matches!(err, ImapError::Tls(_)), "{err}");

    // Pinned to its own: implicit TLS and STARTTLS both work.
    let mut session = Session::connect(
        &implicit(server.certificate_der()),
        SessionOptions::default(),
    )
    .await
    .expect("implicit TLS");
    assert!(session.is_encrypted());
    session
        .authenticate(&alice())
        .await
        .expect("login over TLS");
    session.logout().await;

    let starttls = Endpoint {
        host: "127.0.0.1".into(),
        port: server.addr().port(),
        security: Security::StartTls,
        pinned_certificate: server.certificate_der(),
        address_policy: None,
    };
    let mut session = Session::connect(&starttls, SessionOptions::default())
        .await
        .expect("STARTTLS");
    assert!(session.is_encrypted());
    session
        .authenticate(&alice())
        .await
        .expect("login after STARTTLS");
    session.logout().await;
}

#[tokio::test]
async fn a_user_supplied_host_on_loopback_is_refused_unless_the_site_allows_it() {
    use ferry_net::address::{AddressError, AddressPolicy, Forbidden};
    let server = server();
    for host in ["127.0.0.1", "localhost"] {
        let strict = Endpoint {
            host: host.into(),
            address_policy: Some(AddressPolicy {
                allowed_ports: Vec::new(),
                ..AddressPolicy::default()
            }),
            ..endpoint(&server)
        };
        match Session::connect(&strict, SessionOptions::default()).await {
            Err(ImapError::Address(AddressError::Refused { kind, .. })) => {
                assert_eq!(kind, Forbidden::Loopback, "{host}");
            }
            Err(other) => panic!("{host}: {other}"),
            Ok(_) => panic!("{host}: connected"),
        }
    }
    // A port off the site's list.
    let ports = Endpoint {
        address_policy: Some(AddressPolicy {
            allowed_networks: vec!["127.0.0.0/8".parse().unwrap()],
            allowed_ports: vec![993],
            ..AddressPolicy::default()
        }),
        ..endpoint(&server)
    };
    assert!(matches!(
        Session::connect(&ports, SessionOptions::default()).await,
        Err(ImapError::Address(AddressError::PortNotAllowed { .. }))
    ));
    let allowed = Endpoint {
        address_policy: Some(AddressPolicy::allowing(vec![
            "127.0.0.0/8".parse().unwrap(),
        ])),
        ..endpoint(&server)
    };
    let session = Session::connect(&allowed, SessionOptions::default())
        .await
        .expect("an allowed network connects");
    session.logout().await;
}
