//! Times the preview of one file natively, step by step (scan and parse,
//! map, rows as JSON): `cargo run --release -p ferry-shared --example
//! preview_time FILE`. A quick way to see where the calendar benchmark's
//! time goes without a browser.

use ferry_shared::mapping::MappingRules;
use ferry_shared::preview::preview_bytes;
use ferry_shared::{ParseLimits, inspect};
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: preview_time FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).expect("the file can be read");
    let limits = ParseLimits::default();
    if std::env::args().any(|a| a == "--preview-only") {
        let started = Instant::now();
        let preview = preview_bytes(&bytes, &limits, &MappingRules::default()).expect("preview");
        println!(
            "preview (streamed): {:.2?}, {} rows",
            started.elapsed(),
            preview.rows.len()
        );
        return;
    }
    let started = Instant::now();
    let report = inspect(&bytes, &limits).expect("the file reads");
    println!(
        "inspect (all items kept): {:.2?}, {} items",
        started.elapsed(),
        report.items.len()
    );
    drop(report);
    let started = Instant::now();
    let text = ferry_shared::text::decode_content_lines(&bytes);
    let outline = ferry_shared::ical::scan::scan(&text.text, &limits).expect("scan");
    println!(
        "decode and scan: {:.2?}, {} components",
        started.elapsed(),
        outline.components.len()
    );
    drop(outline);
    let started = Instant::now();
    let preview = preview_bytes(&bytes, &limits, &MappingRules::default()).expect("preview");
    println!("preview (streamed): {:.2?}", started.elapsed());
    let started = Instant::now();
    let json = serde_json::to_string(&preview).expect("json");
    println!(
        "rows as JSON: {:.2?}, {} MB",
        started.elapsed(),
        json.len() / 1_000_000
    );
}
