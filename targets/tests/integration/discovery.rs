//! Discovery through the well-known URLs finds both home sets.

use crate::{client, runtime, start};
use ferry_targets::caldav::CollectionKind;

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
