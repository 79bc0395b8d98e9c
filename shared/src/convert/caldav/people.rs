//! ORGANIZER and ATTENDEE lines. Every one says `SCHEDULE-AGENT=CLIENT`
//! (RFC 6638 §7.1: the server must not send scheduling messages for it)
//! and every attendee `RSVP=FALSE`: moving a calendar must never invite,
//! cancel or ask anyone anything.

use super::text::{ContentLine, Property};
use crate::model::{Attendee, AttendeeRole, Participation, Person};

/// The ORGANIZER line of `organizer`.
pub(super) fn organizer_line(organizer: &Person) -> ContentLine {
    with_name(Property::new("ORGANIZER"), organizer)
        .param("SCHEDULE-AGENT", "CLIENT")
        .raw(&address(organizer))
}

/// The ATTENDEE line of `attendee`.
pub(super) fn attendee_line(attendee: &Attendee) -> ContentLine {
    let (cutype, role) = match attendee.role {
        AttendeeRole::Chair => ("INDIVIDUAL", "CHAIR"),
        AttendeeRole::Required => ("INDIVIDUAL", "REQ-PARTICIPANT"),
        AttendeeRole::Optional => ("INDIVIDUAL", "OPT-PARTICIPANT"),
        AttendeeRole::NonParticipant => ("INDIVIDUAL", "NON-PARTICIPANT"),
        AttendeeRole::Resource => ("RESOURCE", "REQ-PARTICIPANT"),
    };
    let partstat = match attendee.status {
        Participation::NeedsAction => "NEEDS-ACTION",
        Participation::Accepted => "ACCEPTED",
        Participation::Declined => "DECLINED",
        Participation::Tentative => "TENTATIVE",
        Participation::Delegated => "DELEGATED",
    };
    with_name(Property::new("ATTENDEE"), &attendee.person)
        .param("CUTYPE", cutype)
        .param("ROLE", role)
        .param("PARTSTAT", partstat)
        .param("RSVP", "FALSE")
        .param("SCHEDULE-AGENT", "CLIENT")
        .raw(&address(&attendee.person))
}

fn with_name(property: Property, person: &Person) -> Property {
    match person
        .name
        .as_deref()
        .filter(|name| !name.trim().is_empty())
    {
        Some(name) => property.param("CN", name),
        None => property,
    }
}

/// `mailto:` and the address; a bare `mailto:` (a valid URI, RFC 6068)
/// for someone without one.
fn address(person: &Person) -> String {
    format!("mailto:{}", person.email.as_deref().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::caldav::text::ObjectText;

    fn written(line: ContentLine) -> String {
        let mut text = ObjectText::default();
        text.push(line);
        text.into_string().replace("\r\n ", "")
    }

    #[test]
    fn attendees_never_ask_for_an_answer() {
        let attendee = Attendee {
            person: Person {
                name: Some("Doe, Jane".into()),
                email: Some("jane@example.com".into()),
            },
            role: AttendeeRole::Optional,
            status: Participation::Tentative,
        };
        assert_eq!(
            written(attendee_line(&attendee)),
            "ATTENDEE;CN=\"Doe, Jane\";CUTYPE=INDIVIDUAL;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE;RSVP=FALSE;SCHEDULE-AGENT=CLIENT:mailto:jane@example.com\r\n"
        );
    }

    #[test]
    fn rooms_are_resources_and_nameless_people_have_no_cn() {
        let room = Attendee {
            person: Person {
                name: None,
                email: Some("room@example.com".into()),
            },
            role: AttendeeRole::Resource,
            status: Participation::Accepted,
        };
        let line = written(attendee_line(&room));
        assert!(line.starts_with("ATTENDEE;CUTYPE=RESOURCE;"), "{line}");
        let organizer = Person {
            name: Some("Boss".into()),
            email: None,
        };
        assert_eq!(
            written(organizer_line(&organizer)),
            "ORGANIZER;CN=Boss;SCHEDULE-AGENT=CLIENT:mailto:\r\n"
        );
    }
}
