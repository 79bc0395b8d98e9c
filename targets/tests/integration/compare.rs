//! Semantic comparison of a calendar sent and the one read back.
//! Radicale re-serialises what it stores (property order and line folding
//! change), so bytes cannot be compared; the content lines can: unfolded,
//! property names upper-cased, each component's lines compared as a
//! sorted list, components compared as a sorted list.

/// `None` when `sent` and `stored` hold the same content lines, else the
/// lines only one of them has.
pub fn difference(sent: &str, stored: &str) -> Option<String> {
    let (sent, stored) = (normalised(sent), normalised(stored));
    if sent == stored {
        return None;
    }
    let flat = |components: &[Vec<String>]| -> Vec<String> { components.concat() };
    let (sent, stored) = (flat(&sent), flat(&stored));
    let only_sent: Vec<&String> = sent.iter().filter(|l| !stored.contains(l)).collect();
    let only_stored: Vec<&String> = stored.iter().filter(|l| !sent.contains(l)).collect();
    Some(format!(
        "sent only {only_sent:?}, stored only {only_stored:?}"
    ))
}

/// The calendar's components, each as its sorted unfolded lines; the
/// components sorted too.
fn normalised(text: &str) -> Vec<Vec<String>> {
    let unfolded = text
        .replace("\r\n", "\n")
        .replace("\n ", "")
        .replace("\n\t", "");
    let mut components = Vec::new();
    let mut stack: Vec<Vec<String>> = Vec::new();
    for line in unfolded.lines().filter(|l| !l.trim().is_empty()) {
        let line = upper_name(line);
        if line.starts_with("BEGIN:") {
            stack.push(vec![line]);
        } else if line.starts_with("END:") {
            if let Some(mut finished) = stack.pop() {
                finished.sort();
                components.push(finished);
            }
        } else if let Some(current) = stack.last_mut() {
            current.push(line);
        }
    }
    components.sort();
    components
}

/// `dtstart;tzid=X:v` → `DTSTART;tzid=X:v`: names are case-insensitive.
fn upper_name(line: &str) -> String {
    let end = line.find([';', ':']).unwrap_or(line.len());
    format!("{}{}", line[..end].to_ascii_uppercase(), &line[end..])
}
