//! Flat mode, forced: Microsoft Graph e-mails every attendee of an event
//! it creates or changes, so a Graph request never carries attendees.
//! Attendees an item still has (full mode) are written at the end of
//! its body, in the words the mapping's flat mode uses, and named as a
//! loss.

use crate::convert::exchange::{CalendarItem, Loss, Mailbox};
use crate::model::{AttendeeRole, Person};

/// The body of `item` with its attendees written at its end; the body
/// as it is when it has none.
pub(super) fn body_with_attendees(item: &CalendarItem, losses: &mut Vec<Loss>) -> Option<String> {
    let groups: [(&[Mailbox], AttendeeRole); 3] = [
        (&item.required_attendees, AttendeeRole::Required),
        (&item.optional_attendees, AttendeeRole::Optional),
        (&item.resources, AttendeeRole::Resource),
    ];
    let count: usize = groups.iter().map(|(list, _)| list.len()).sum();
    if count == 0 {
        return item.body.clone();
    }
    let mut text = String::from("Attendees:");
    for (list, role) in groups {
        for mailbox in list {
            let person = Person {
                name: mailbox.name.clone(),
                email: Some(mailbox.email.clone()),
            };
            text.push_str(&format!("\n- {person} ({})", role.label()));
        }
    }
    losses.push(Loss::new(
        "attendees",
        format!(
            "Microsoft Graph would e-mail every attendee; the {count} attendee(s) are written into the description instead, and nobody is invited"
        ),
    ));
    let body = item.body.as_deref().unwrap_or_default();
    let separator = if body.is_empty() { "" } else { "\n\n" };
    Some(format!("{body}{separator}{text}"))
}
