//! Two local Dovecot servers for trying Ferry by hand: a legacy source
//! (`.` separator, `INBOX.` prefix) seeded with a generated mailbox, and an
//! empty Exchange-like target (`/`). Prints how to copy between them and
//! runs until Enter is pressed (or stdin closes).
//!
//! Usage: `demo_servers [MESSAGES]`   (default 300)

use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout};
use ferry_testkit::mailgen::{MailboxSpec, generate};
use ferry_testkit::verify::seed;

fn main() {
    let messages = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let source =
        Dovecot::start(DovecotOptions::new(Layout::LegacyDotted)).expect("the source starts");
    let mut target_options = DovecotOptions::new(Layout::Slash);
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
    println!(
        "source: 127.0.0.1:{} (user alice, password alice-secret)",
        source.addr().port()
    );
    println!(
        "target: 127.0.0.1:{} (user alice, password alice-secret)",
        target.addr().port()
    );
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
