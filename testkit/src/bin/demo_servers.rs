//! Two local Dovecot servers for trying Ferry by hand: a legacy source
//! (`.` separator, `INBOX.` prefix) seeded with a generated mailbox, and an
//! empty Exchange-like target (`/`). Prints how to copy between them and
//! runs until Enter is pressed (or stdin closes).
//!
//! Usage: `demo_servers [MESSAGES] [--master-user]`   (default 300)
//!
//! With `--master-user`, both servers also hold user `bob` (password
//! `bob-secret`, a smaller mailbox on the source) and a master user
//! `admin` (password `admin-secret`) that may act for every user — for
//! trying admin mode.

use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout};
use ferry_testkit::mailgen::{MailboxSpec, generate};
use ferry_testkit::verify::{seed, seed_user};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let master = args.iter().any(|arg| arg == "--master-user");
    let messages = args.iter().find_map(|n| n.parse().ok()).unwrap_or(300);
    let with_admin = |mut options: DovecotOptions| {
        if master {
            options.users.push(("bob".into(), "bob-secret".into()));
            options.master_user = Some(("admin".into(), "admin-secret".into()));
        }
        options
    };
    let source = Dovecot::start(with_admin(DovecotOptions::new(Layout::LegacyDotted)))
        .expect("the source starts");
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
