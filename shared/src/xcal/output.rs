//! The iCalendar text generated from an xCal file, with the XML line each
//! of its lines came from, so that what the iCalendar reader reports can
//! name lines of the file the user actually has.

/// Generated iCalendar text and its line table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct IcsOutput {
    pub text: String,
    /// `xml_lines[n - 1]` is the XML line of generated line `n`.
    xml_lines: Vec<usize>,
}

impl IcsOutput {
    /// Appends one content line (without line ending) that came from
    /// `xml_line`.
    pub fn push(&mut self, line: &str, xml_line: usize) {
        self.text.push_str(line);
        self.text.push_str("\r\n");
        self.xml_lines.push(xml_line);
    }

    /// The XML line of generated line `ics_line` (1-based); line 1 for a
    /// line that was never generated.
    pub fn xml_line(&self, ics_line: usize) -> usize {
        ics_line
            .checked_sub(1)
            .and_then(|index| self.xml_lines.get(index))
            .copied()
            .unwrap_or(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_lines_map_back_to_xml_lines() {
        let mut out = IcsOutput::default();
        out.push("BEGIN:VCALENDAR", 3);
        out.push("BEGIN:VEVENT", 15);
        out.push("SUMMARY:x", 22);
        assert_eq!(out.text, "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n");
        assert_eq!(out.xml_line(2), 15);
        assert_eq!(out.xml_line(3), 22);
        assert_eq!(out.xml_line(0), 1);
        assert_eq!(out.xml_line(4), 1);
    }
}
