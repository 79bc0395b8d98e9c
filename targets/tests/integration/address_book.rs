//! An address book is created by extended MKCOL, takes vCards, and is
//! found (not created again) by name.

use crate::{client, runtime, start};
use ferry_targets::caldav::outcome::PutOutcome;
use ferry_targets::caldav::{CollectionKind, CollectionSpec, ContentType};

const CARD: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:card-1@ferry.test\r\nFN:Jürgen Müller\r\nN:Müller;Jürgen;;;\r\nEMAIL:j@example.com\r\nEND:VCARD\r\n";

#[test]
fn address_book_is_created_filled_and_found_again() {
    let server = start();
    let client = client(&server);
    runtime().block_on(async {
        let home = client.discover(CollectionKind::AddressBook).await.unwrap();
        let spec = CollectionSpec::address_book("Contacts from old server");
        let book = client.ensure_collection(&home.home, &spec).await.unwrap();
        assert!(book.created);
        let listed = client.collections(&home.home).await.unwrap();
        let found = listed.iter().find(|c| c.url == book.url).unwrap();
        assert_eq!(found.kind, Some(CollectionKind::AddressBook));
        assert_eq!(
            found.display_name.as_deref(),
            Some("Contacts from old server")
        );

        let outcome = client
            .put_new(
                &book.url,
                "card 1@ferry.test.vcf",
                CARD.as_bytes().to_vec(),
                ContentType::VCard,
            )
            .await
            .unwrap();
        assert_eq!(outcome, PutOutcome::Created);
        let members = client.members(&book.url).await.unwrap();
        assert_eq!(
            members.keys().collect::<Vec<_>>(),
            ["card 1@ferry.test.vcf"]
        );
        assert!(
            members.values().all(Option::is_some),
            "every member has an ETag"
        );
        let stored = client
            .get(&book.url, "card 1@ferry.test.vcf")
            .await
            .unwrap();
        assert_eq!(stored.status, 200);
        assert!(
            String::from_utf8(stored.body)
                .unwrap()
                .contains("FN:Jürgen Müller")
        );

        let again = client.ensure_collection(&home.home, &spec).await.unwrap();
        assert_eq!((again.url, again.created), (book.url.clone(), false));
        // A calendar of the same name is refused rather than made beside it.
        let clash = client
            .ensure_collection(
                &home.home,
                &CollectionSpec::calendar("Contacts from old server"),
            )
            .await;
        assert!(clash.is_err());
    });
}
