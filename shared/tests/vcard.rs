//! The vCard reader from the outside: every file of the real-world corpus,
//! golden reports for chosen real-world and hand-made files
//! (`tests/snapshots/`), every limit, and a round trip through Ferry's
//! CardDAV writer (`convert::caldav::card_resource`).

#![cfg(not(target_arch = "wasm32"))]

use ferry_shared::convert::caldav::card_resource;
use ferry_shared::model::{Contact, Labeled, Name};
use ferry_shared::text::SourceEncoding;
use ferry_shared::vcard::inspect_vcard;
use ferry_shared::{FileFormat, FileReport, InspectError, Item, ItemKind, ParseLimits, inspect};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn repository_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

fn read_bytes(relative: &str) -> Vec<u8> {
    std::fs::read(repository_path(relative)).expect("fixture is readable")
}

fn read(bytes: &[u8]) -> FileReport {
    inspect_vcard(bytes, &ParseLimits::default()).expect("the file is read")
}

/// The report (or the error) as JSON, for snapshots.
fn report(relative: &str) -> serde_json::Value {
    match inspect_vcard(&read_bytes(relative), &ParseLimits::default()) {
        Ok(report) => serde_json::to_value(report).expect("serialisable"),
        Err(err) => {
            serde_json::json!({ "error": err.code(), "line": err.line(), "message": err.to_string() })
        }
    }
}

// ---------------------------------------------------------------------------
// The corpus

fn corpus_files() -> Vec<PathBuf> {
    let dir = repository_path("fixtures/corpora/calcard/vcard");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus folder is readable")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "vcf"))
        .collect();
    files.sort();
    files
}

/// Whether a physical line is `BEGIN:VCARD` at the top level. The corpus
/// nests cards only inside folded `AGENT` values (lines starting with a
/// blank), never as vCard 2.1 `AGENT:` blocks, so every line that is
/// exactly `BEGIN:VCARD` starts a card of its own.
fn is_card_start(line: &str) -> bool {
    line.trim_end_matches('\r')
        .trim_start_matches('\u{feff}')
        .trim_end()
        .eq_ignore_ascii_case("BEGIN:VCARD")
}

#[test]
fn every_corpus_file_is_read_and_every_card_becomes_a_contact() {
    let files = corpus_files();
    assert!(
        files.len() >= 78,
        "corpus is missing: {} files",
        files.len()
    );
    let mut mismatches = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("corpus file is readable");
        let name = path.display();
        let report = match inspect_vcard(&bytes, &ParseLimits::default()) {
            Ok(report) => report,
            Err(err) => panic!("{name}: {err}"),
        };
        let text = ferry_shared::text::decode_content_lines(&bytes).text;
        let lines: Vec<&str> = text.split('\n').collect();
        let expected = lines.iter().filter(|line| is_card_start(line)).count();
        if report.items.len() != expected {
            mismatches.push(format!(
                "{name}: {} contacts, {expected} cards",
                report.items.len()
            ));
        }
        assert_eq!(report.format, FileFormat::VCard);
        assert_eq!(report.calendars, 0);
        for item in &report.items {
            assert_eq!(item.kind, ItemKind::Contact, "{name}");
            assert!(item.contact.is_some(), "{name}: line {}", item.line);
            let begin = item.line.checked_sub(1).and_then(|index| lines.get(index));
            assert!(
                begin.is_some_and(|line| is_card_start(line)),
                "{name}: contact on line {} is not at a BEGIN:VCARD",
                item.line
            );
        }
        for warning in &report.warnings {
            if let Some(line) = warning.line {
                assert!(line >= 1 && line <= lines.len(), "{name}: {warning}");
            }
        }
    }
    // No exceptions: every corpus file gives one contact per card.
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

#[test]
fn unclosed_and_nameless_corpus_cards_are_noted() {
    // 028.vcf ends without END:VCARD; 068.vcf is an empty card.
    let unclosed = read(&read_bytes("fixtures/corpora/calcard/vcard/028.vcf"));
    assert_eq!(
        unclosed.items[0].notes,
        ["END:VCARD is missing; this contact may be incomplete"]
    );
    assert_eq!(unclosed.warnings[0].line, Some(1));
    let empty = read(&read_bytes("fixtures/corpora/calcard/vcard/068.vcf"));
    assert_eq!(
        empty.items[0].notes,
        ["This contact has no name and no e-mail address"]
    );
}

// ---------------------------------------------------------------------------
// Golden reports

#[test]
fn corpus_2_1_quoted_printable_and_charsets() {
    insta::assert_json_snapshot!(report("fixtures/corpora/calcard/vcard/009.vcf"));
}

#[test]
fn corpus_3_0_with_addresses_and_photo_link() {
    insta::assert_json_snapshot!(report("fixtures/corpora/calcard/vcard/002.vcf"));
}

#[test]
fn corpus_4_0_with_tel_uris() {
    insta::assert_json_snapshot!(report("fixtures/corpora/calcard/vcard/003.vcf"));
}

#[test]
fn corpus_3_0_inline_photo() {
    insta::assert_json_snapshot!(report("fixtures/corpora/calcard/vcard/023.vcf"));
}

#[test]
fn corpus_4_0_data_uri_photo() {
    insta::assert_json_snapshot!(report("fixtures/corpora/calcard/vcard/024.vcf"));
}

#[test]
fn outlook_2_1_export() {
    insta::assert_json_snapshot!(report("fixtures/vcard/outlook-2.1.vcf"));
}

#[test]
fn broken_card_then_fine_card() {
    insta::assert_json_snapshot!(report("fixtures/vcard/broken-then-fine.vcf"));
}

#[test]
fn windows_1252_file() {
    insta::assert_json_snapshot!(report("fixtures/vcard/windows-1252.vcf"));
}

#[test]
fn calendar_file_is_not_a_vcard() {
    insta::assert_json_snapshot!(report("static/samples/team-calendar.ics"));
}

// ---------------------------------------------------------------------------
// Whole files

#[test]
fn inspect_picks_the_vcard_reader() {
    let bytes = read_bytes("fixtures/vcard/outlook-2.1.vcf");
    let report = inspect(&bytes, &ParseLimits::default()).expect("read");
    assert_eq!(report.format, FileFormat::VCard);
    assert_eq!(report.items.len(), 2);
}

#[test]
fn byte_order_mark_and_line_endings_do_not_matter() {
    let crlf = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë\r\nNOTE:a\r\n  b\r\nEND:VCARD\r\n";
    let lf = crlf.replace("\r\n", "\n");
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), lf.as_bytes()].concat();
    let expected = read(crlf.as_bytes()).items;
    assert_eq!(expected[0].summary.as_deref(), Some("Zoë"));
    assert_eq!(expected[0].description.as_deref(), Some("a b"));
    assert_eq!(read(lf.as_bytes()).items, expected);
    let report = read(&with_bom);
    assert_eq!(report.items, expected);
    assert_eq!(report.encoding, SourceEncoding::Utf8);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn joined_files_with_byte_order_marks_keep_every_card() {
    let one = "\u{feff}BEGIN:VCARD\r\nVERSION:3.0\r\nFN:One\r\nEND:VCARD\r\n";
    let two = "\u{feff}BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Two\r\nEND:VCARD\r\n";
    let report = read(format!("{one}{two}").as_bytes());
    let names: Vec<_> = report.items.iter().map(|i| i.summary.as_deref()).collect();
    assert_eq!(names, [Some("One"), Some("Two")]);
    assert_eq!(report.items[1].line, 5);
}

#[test]
fn empty_files_and_files_without_cards_are_refused() {
    let limits = ParseLimits::default();
    assert_eq!(inspect_vcard(b"", &limits), Err(InspectError::Empty));
    assert_eq!(
        inspect_vcard(b" \r\n\n\t", &limits),
        Err(InspectError::Empty)
    );
    let err = inspect_vcard(b"\nFN:Lost\nEMAIL:a@b\n", &limits).unwrap_err();
    assert_eq!(
        err,
        InspectError::Malformed {
            line: 2,
            reason: "expected BEGIN:VCARD but found “FN:Lost”. This is not a vCard (.vcf) file."
                .to_string()
        }
    );
}

#[test]
fn other_components_are_listed_as_skipped() {
    let src =
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VEVENT\nEND:VCALENDAR\nBEGIN:VCARD\nFN:A\nEND:VCARD\n";
    let report = read(src.as_bytes());
    assert_eq!(report.items.len(), 1);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(
        (report.skipped[0].component.as_str(), report.skipped[0].line),
        ("VCALENDAR", 1)
    );
}

#[test]
fn an_agent_card_does_not_cut_its_card_short() {
    let src = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Boss\r\nAGENT:\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nFN:Assistant\r\nEND:VCARD\r\nEMAIL:boss@example.com\r\nEND:VCARD\r\n";
    let report = read(src.as_bytes());
    assert_eq!(report.items.len(), 1);
    let boss = &report.items[0];
    assert_eq!(boss.summary.as_deref(), Some("Boss"));
    let emails = &boss.contact.as_ref().expect("contact").emails;
    assert_eq!(emails[0].value, "boss@example.com");
    assert_eq!(
        boss.notes,
        ["The card of an assistant or agent (AGENT) embedded on line 5 is left out"]
    );
}

#[test]
fn quoted_printable_without_charset_reads_utf8_and_latin1() {
    let src = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=B6rg\r\nFN;QUOTED-PRINTABLE:Fran=E7ois\r\nEND:VCARD\r\n";
    let report = read(src.as_bytes());
    let item = &report.items[0];
    let name = &item.contact.as_ref().expect("contact").name;
    assert_eq!(name.family.as_deref(), Some("Müller"));
    assert_eq!(name.given.as_deref(), Some("Jörg"));
    assert_eq!(item.summary.as_deref(), Some("François"));
}

// ---------------------------------------------------------------------------
// Limits

fn card_with_photo(bytes: usize) -> (String, String) {
    use base64::Engine;
    // A JPEG start, then filler.
    let mut picture = vec![0xFF, 0xD8, 0xFF, 0xE0];
    picture.resize(bytes, 0xAB);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&picture);
    let folded: Vec<String> = encoded
        .as_bytes()
        .chunks(74)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect();
    let card = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Pictured\r\nPHOTO;ENCODING=b;TYPE=JPEG:{}\r\nEND:VCARD\r\n",
        folded.join("\r\n ")
    );
    (card, encoded)
}

#[test]
fn photos_up_to_the_limit_are_kept_and_larger_ones_noted() {
    let limits = ParseLimits {
        max_photo_bytes: 2048,
        ..ParseLimits::default()
    };
    let (card, encoded) = card_with_photo(2048);
    let report = inspect_vcard(card.as_bytes(), &limits).expect("read");
    let item = &report.items[0];
    assert!(item.notes.is_empty(), "{:?}", item.notes);
    let photo = item
        .contact
        .as_ref()
        .and_then(|c| c.photo.clone())
        .expect("photo");
    assert_eq!(photo.size, 2048);
    assert_eq!(photo.base64.as_deref(), Some(encoded.as_str()));
    assert_eq!(photo.media_type.as_deref(), Some("image/jpeg"));

    let (card, _) = card_with_photo(5000);
    let report = inspect_vcard(card.as_bytes(), &limits).expect("read");
    let item = &report.items[0];
    assert_eq!(
        item.notes,
        ["The photo is 5 KB, larger than the limit of 2 KB; it is left out"]
    );
    let photo = item
        .contact
        .as_ref()
        .and_then(|c| c.photo.clone())
        .expect("photo");
    assert_eq!((photo.size, photo.base64), (5000, None));
    assert_eq!(photo.media_type.as_deref(), Some("image/jpeg"));
}

#[test]
fn too_many_cards_are_refused() {
    let card = "BEGIN:VCARD\nFN:x\nEND:VCARD\n";
    let limits = ParseLimits {
        max_items: 3,
        ..ParseLimits::default()
    };
    assert_eq!(
        inspect_vcard(card.repeat(3).as_bytes(), &limits).map(|r| r.items.len()),
        Ok(3)
    );
    assert_eq!(
        inspect_vcard(card.repeat(4).as_bytes(), &limits),
        Err(InspectError::TooManyItems { limit: 3 })
    );
}

#[test]
fn an_overlong_line_is_refused_with_its_line() {
    let limits = ParseLimits {
        max_line_bytes: 1000,
        ..ParseLimits::default()
    };
    let (card, _) = card_with_photo(600);
    assert!(inspect_vcard(card.as_bytes(), &limits).is_ok());
    // The photo's folded line (line 4) unfolds to more than 1000 bytes.
    let (card, _) = card_with_photo(1000);
    assert_eq!(
        inspect_vcard(card.as_bytes(), &limits),
        Err(InspectError::LineTooLong {
            line: 4,
            limit: 1000
        })
    );
}

#[test]
fn too_large_a_file_is_refused() {
    let limits = ParseLimits {
        max_file_bytes: 10,
        ..ParseLimits::default()
    };
    assert_eq!(
        inspect_vcard(b"BEGIN:VCARD\nEND:VCARD\n", &limits),
        Err(InspectError::TooLarge {
            size: 22,
            limit: 10
        })
    );
}

#[test]
fn warnings_beyond_the_limit_are_counted() {
    let limits = ParseLimits {
        max_warnings: 3,
        ..ParseLimits::default()
    };
    let src = format!("{}BEGIN:VCARD\nFN:x\nEND:VCARD\n", "garbage\n".repeat(10));
    let report = inspect_vcard(src.as_bytes(), &limits).expect("read");
    assert_eq!((report.warnings.len(), report.more_warnings), (3, 7));
    let lines: Vec<_> = report.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [Some(1), Some(2), Some(3)]);
}

// ---------------------------------------------------------------------------
// Any input

/// Pieces of vCard syntax, glued at random into hostile files.
const PIECES: &[&[u8]] = &[
    b"BEGIN:VCARD",
    b"END:VCARD",
    b"BEGIN:VEVENT",
    b"END:VTODO",
    b"VERSION:2.1",
    b"VERSION:4.0",
    b"\r\n",
    b"\n",
    b"\n ",
    b"=\n",
    b"N;ENCODING=QUOTED-PRINTABLE:",
    b"FN;QUOTED-PRINTABLE:",
    b"PHOTO;ENCODING=b;TYPE=JPEG:",
    b"PHOTO:data:image/png;base64,",
    b"AGENT:",
    b"BDAY:",
    b"EMAIL;TYPE=work:",
    b"ADR:;;",
    b"=C3=A9",
    b"=",
    b";",
    b",",
    b"\\",
    b"\xEF\xBB\xBF",
    b"\xC3",
    b"\xE9",
    b"QUJD",
    b"--0229",
    b"x",
];

fn hostile_file() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(<[u8]>::to_vec),
        1 => proptest::collection::vec(any::<u8>(), 1..4),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    /// What the fuzz target (`fuzz/fuzz_targets/vcard_inspect.rs`) checks:
    /// any bytes give a report or an error, never a panic, and every line
    /// named is inside the file.
    #[test]
    fn any_input_gives_a_report_or_an_error(bytes in hostile_file()) {
        let limits = ParseLimits { max_line_bytes: 4096, ..ParseLimits::default() };
        if let Ok(report) = inspect_vcard(&bytes, &limits) {
            let lines = bytes.split(|b| *b == b'\n').count();
            for warning in &report.warnings {
                let line = warning.line.unwrap_or(1);
                prop_assert!(line >= 1 && line <= lines, "{warning}");
            }
            for item in &report.items {
                prop_assert!(item.line >= 1 && item.line <= lines);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Round trip

/// What the writer is given for a card, and what must come back.
#[derive(Debug, Clone)]
struct Written {
    display_name: String,
    name: Name,
    emails: Vec<Labeled>,
    phones: Vec<Labeled>,
    organization: Option<String>,
    department: Option<String>,
    title: Option<String>,
    note: Option<String>,
}

/// The card Ferry's CardDAV writer makes of `written`.
fn write_vcard(written: &Written) -> String {
    let item = Item {
        summary: Some(written.display_name.clone()),
        description: written.note.clone(),
        contact: Some(Contact {
            name: written.name.clone(),
            emails: written.emails.clone(),
            phones: written.phones.clone(),
            organization: written.organization.clone(),
            department: written.department.clone(),
            title: written.title.clone(),
            ..Contact::default()
        }),
        ..Item::new(ItemKind::Contact, 1)
    };
    card_resource(&item).expect("a contact is written").text
}

/// Printable text without control characters, trimmed and not empty:
/// any Unicode, or printable ASCII (dense in `,;\:="` and the like).
fn printable() -> impl Strategy<Value = String> {
    prop_oneof!["\\PC{1,24}", "[ -~]{1,24}"].prop_filter_map("blank", |text| {
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_string())
    })
}

fn labels(choices: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    let count = choices.len();
    (
        proptest::sample::subsequence(choices.to_vec(), 0..=count),
        any::<bool>(),
    )
        .prop_map(|(chosen, pref)| {
            let mut labels: Vec<String> = chosen.into_iter().map(str::to_string).collect();
            if pref {
                labels.push("pref".to_string());
            }
            labels
        })
}

fn email() -> impl Strategy<Value = Labeled> {
    (
        "[a-z0-9._%+-]{1,12}@[a-z0-9-]{1,12}\\.[a-z]{2,6}",
        labels(&["work", "home", "internet"]),
    )
        .prop_map(|(value, labels)| Labeled { value, labels })
}

fn phone() -> impl Strategy<Value = Labeled> {
    (
        "\\+?[0-9][0-9 ()-]{0,18}[0-9]",
        labels(&["work", "home", "cell", "voice", "fax"]),
    )
        .prop_map(|(value, labels)| Labeled { value, labels })
}

fn written() -> impl Strategy<Value = Written> {
    let name = (
        proptest::option::of(printable()),
        proptest::option::of(printable()),
        proptest::option::of(printable()),
        proptest::option::of(printable()),
        proptest::option::of(printable()),
    )
        .prop_map(|(prefix, given, middle, family, suffix)| Name {
            prefix,
            given,
            middle,
            family,
            suffix,
        });
    let note = proptest::collection::vec(printable(), 1..4).prop_map(|lines| lines.join("\n"));
    (
        printable(),
        name,
        proptest::collection::vec(email(), 0..3),
        proptest::collection::vec(phone(), 0..3),
        proptest::option::of((printable(), proptest::option::of(printable()))),
        proptest::option::of(printable()),
        proptest::option::of(note),
    )
        .prop_map(|(display_name, name, emails, phones, org, title, note)| {
            let (organization, department) = match org {
                Some((organization, department)) => (Some(organization), department),
                None => (None, None),
            };
            Written {
                display_name,
                name,
                emails,
                phones,
                organization,
                department,
                title,
                note,
            }
        })
}

proptest! {
    #[test]
    fn a_written_card_reads_back_the_same(written in written()) {
        let text = write_vcard(&written);
        let report = inspect_vcard(text.as_bytes(), &ParseLimits::default())
            .map_err(|err| TestCaseError::fail(format!("{err}\n{text}")))?;
        prop_assert!(report.warnings.is_empty(), "{:?}\n{}", report.warnings, text);
        prop_assert_eq!(report.items.len(), 1);
        let item = &report.items[0];
        prop_assert!(item.notes.is_empty(), "{:?}\n{}", item.notes, text);
        let contact = item.contact.clone().unwrap_or_default();
        prop_assert_eq!(item.summary.as_deref(), Some(written.display_name.as_str()), "{}", text);
        prop_assert_eq!(&contact.name, &written.name, "{}", text);
        prop_assert_eq!(&contact.emails, &written.emails, "{}", text);
        prop_assert_eq!(&contact.phones, &written.phones, "{}", text);
        prop_assert_eq!(&contact.organization, &written.organization, "{}", text);
        prop_assert_eq!(&contact.department, &written.department, "{}", text);
        prop_assert_eq!(&contact.title, &written.title, "{}", text);
        prop_assert_eq!(&item.description, &written.note, "{}", text);
    }
}
