//! Calendar items, tasks and contacts as EWS elements, each field in the
//! place the schema's `xs:sequence` gives it (`ItemType`'s fields first,
//! then the kind's own).

use super::xml::{XmlWriter, optional_element, text_element, xml_safe};
use super::zone::{day_name, write_zone_definition};
use crate::convert::encode_source_key;
use crate::convert::exchange::{
    CalendarItem, ContactItem, DayOfWeek, EmailKey, ExchangeItem, ExchangeRecurrence, FreeBusy,
    Importance, Mailbox, Pattern, PhoneKey, PhysicalAddressKey, RecurrenceEnd, Sensitivity,
    TaskItem, TaskStatus, WallClock, WeekIndex,
};
use crate::convert::{SOURCE_PROPERTY_NAME, SOURCE_PROPERTY_SET};
use quick_xml::events::BytesText;
use std::io;

/// Writes one item to create.
pub fn write_item(w: &mut XmlWriter, item: &ExchangeItem) -> io::Result<()> {
    match item {
        ExchangeItem::Event(event) => write_calendar_item(w, event),
        ExchangeItem::Task(task) => write_task(w, task),
        ExchangeItem::Contact(contact) => write_contact(w, contact),
    }
}

/// `2024-03-04T09:00:00`: a wall-clock time, read in the item's zone.
pub fn local_time(time: &WallClock) -> String {
    time.local.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// `2024-03-04T08:00:00Z`: the same instant in UTC.
pub fn utc_time(time: &WallClock) -> String {
    time.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn sensitivity_name(value: Sensitivity) -> &'static str {
    match value {
        Sensitivity::Normal => "Normal",
        Sensitivity::Personal => "Personal",
        Sensitivity::Private => "Private",
        Sensitivity::Confidential => "Confidential",
    }
}

pub fn importance_name(value: Importance) -> &'static str {
    match value {
        Importance::Low => "Low",
        Importance::Normal => "Normal",
        Importance::High => "High",
    }
}

pub fn free_busy_name(value: FreeBusy) -> &'static str {
    match value {
        FreeBusy::Free => "Free",
        FreeBusy::Tentative => "Tentative",
        FreeBusy::Busy => "Busy",
        FreeBusy::OutOfOffice => "OOF",
        FreeBusy::WorkingElsewhere => "WorkingElsewhere",
    }
}

/// `<t:ExtendedFieldURI …/>` of Ferry's source-key property.
pub fn source_key_field(w: &mut XmlWriter) -> io::Result<()> {
    w.create_element("t:ExtendedFieldURI")
        .with_attribute(("PropertySetId", SOURCE_PROPERTY_SET))
        .with_attribute(("PropertyName", SOURCE_PROPERTY_NAME))
        .with_attribute(("PropertyType", "String"))
        .write_empty()?;
    Ok(())
}

/// The source key as an `ExtendedProperty`.
pub fn source_key_property(w: &mut XmlWriter, key: Option<&str>) -> io::Result<()> {
    let Some(key) = key else {
        return Ok(());
    };
    w.create_element("t:ExtendedProperty")
        .write_inner_content(|w| {
            source_key_field(w)?;
            text_element(w, "t:Value", &encode_source_key(key))
        })?;
    Ok(())
}

pub fn body(w: &mut XmlWriter, text: Option<&str>) -> io::Result<()> {
    if let Some(text) = text {
        w.create_element("t:Body")
            .with_attribute(("BodyType", "Text"))
            .write_text_content(BytesText::new(&xml_safe(text)))?;
    }
    Ok(())
}

pub fn categories(w: &mut XmlWriter, list: &[String]) -> io::Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    w.create_element("t:Categories")
        .write_inner_content(|w| list.iter().try_for_each(|c| text_element(w, "t:String", c)))?;
    Ok(())
}

pub fn attendees(w: &mut XmlWriter, name: &str, list: &[Mailbox]) -> io::Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    w.create_element(name).write_inner_content(|w| {
        for mailbox in list {
            w.create_element("t:Attendee").write_inner_content(|w| {
                w.create_element("t:Mailbox").write_inner_content(|w| {
                    optional_element(w, "t:Name", mailbox.name.as_deref())?;
                    text_element(w, "t:EmailAddress", &mailbox.email)?;
                    text_element(w, "t:RoutingType", "SMTP")
                })?;
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_calendar_item(w: &mut XmlWriter, item: &CalendarItem) -> io::Result<()> {
    w.create_element("t:CalendarItem")
        .write_inner_content(|w| {
            optional_element(w, "t:Subject", item.subject.as_deref())?;
            text_element(w, "t:Sensitivity", sensitivity_name(item.sensitivity))?;
            body(w, item.body.as_deref())?;
            categories(w, &item.categories)?;
            text_element(w, "t:Importance", importance_name(item.importance))?;
            text_element(
                w,
                "t:ReminderIsSet",
                bool_text(item.reminder_minutes.is_some()),
            )?;
            if let Some(minutes) = item.reminder_minutes {
                text_element(w, "t:ReminderMinutesBeforeStart", &minutes.to_string())?;
            }
            source_key_property(w, item.source_key.as_deref())?;
            text_element(w, "t:Start", &local_time(&item.start))?;
            text_element(w, "t:End", &local_time(&item.end))?;
            text_element(w, "t:IsAllDayEvent", bool_text(item.all_day))?;
            if let Some(free_busy) = item.free_busy {
                text_element(w, "t:LegacyFreeBusyStatus", free_busy_name(free_busy))?;
            }
            optional_element(w, "t:Location", item.location.as_deref())?;
            attendees(w, "t:RequiredAttendees", &item.required_attendees)?;
            attendees(w, "t:OptionalAttendees", &item.optional_attendees)?;
            attendees(w, "t:Resources", &item.resources)?;
            if let Some(recurrence) = &item.recurrence {
                write_recurrence(w, recurrence)?;
            }
            write_zone_definition(w, "t:StartTimeZone", &item.start.zone)?;
            write_zone_definition(w, "t:EndTimeZone", &item.end.zone)
        })?;
    Ok(())
}

pub fn bool_text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

fn day_of_week(days: DayOfWeek) -> &'static str {
    match days {
        DayOfWeek::One(day) => day_name(day),
        DayOfWeek::AnyDay => "Day",
        DayOfWeek::WorkDay => "Weekday",
        DayOfWeek::WeekendDay => "WeekendDay",
    }
}

fn week_index(index: WeekIndex) -> &'static str {
    match index {
        WeekIndex::First => "First",
        WeekIndex::Second => "Second",
        WeekIndex::Third => "Third",
        WeekIndex::Fourth => "Fourth",
        WeekIndex::Last => "Last",
    }
}

fn month_name(month: u8) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[usize::from(month.clamp(1, 12)) - 1]
}

fn write_recurrence(w: &mut XmlWriter, recurrence: &ExchangeRecurrence) -> io::Result<()> {
    w.create_element("t:Recurrence").write_inner_content(|w| {
        match &recurrence.pattern {
            Pattern::Daily { interval } => {
                w.create_element("t:DailyRecurrence")
                    .write_inner_content(|w| {
                        text_element(w, "t:Interval", &interval.to_string())
                    })?;
            }
            Pattern::Weekly {
                interval,
                days,
                first_day_of_week,
            } => {
                w.create_element("t:WeeklyRecurrence")
                    .write_inner_content(|w| {
                        text_element(w, "t:Interval", &interval.to_string())?;
                        let names: Vec<&str> = days.iter().map(|d| day_name(*d)).collect();
                        text_element(w, "t:DaysOfWeek", &names.join(" "))?;
                        // Which week a day falls in only matters every few weeks.
                        if *interval > 1 {
                            text_element(w, "t:FirstDayOfWeek", day_name(*first_day_of_week))?;
                        }
                        Ok(())
                    })?;
            }
            Pattern::AbsoluteMonthly {
                interval,
                day_of_month,
            } => {
                w.create_element("t:AbsoluteMonthlyRecurrence")
                    .write_inner_content(|w| {
                        text_element(w, "t:Interval", &interval.to_string())?;
                        text_element(w, "t:DayOfMonth", &day_of_month.to_string())
                    })?;
            }
            Pattern::RelativeMonthly {
                interval,
                days,
                index,
            } => {
                w.create_element("t:RelativeMonthlyRecurrence")
                    .write_inner_content(|w| {
                        text_element(w, "t:Interval", &interval.to_string())?;
                        text_element(w, "t:DaysOfWeek", day_of_week(*days))?;
                        text_element(w, "t:DayOfWeekIndex", week_index(*index))
                    })?;
            }
            Pattern::AbsoluteYearly {
                month,
                day_of_month,
            } => {
                w.create_element("t:AbsoluteYearlyRecurrence")
                    .write_inner_content(|w| {
                        text_element(w, "t:DayOfMonth", &day_of_month.to_string())?;
                        text_element(w, "t:Month", month_name(*month))
                    })?;
            }
            Pattern::RelativeYearly { month, days, index } => {
                w.create_element("t:RelativeYearlyRecurrence")
                    .write_inner_content(|w| {
                        text_element(w, "t:DaysOfWeek", day_of_week(*days))?;
                        text_element(w, "t:DayOfWeekIndex", week_index(*index))?;
                        text_element(w, "t:Month", month_name(*month))
                    })?;
            }
        }
        let start = recurrence.start_date.format("%Y-%m-%d").to_string();
        match recurrence.end {
            RecurrenceEnd::Never => {
                w.create_element("t:NoEndRecurrence")
                    .write_inner_content(|w| text_element(w, "t:StartDate", &start))?;
            }
            RecurrenceEnd::OnDate(end) => {
                w.create_element("t:EndDateRecurrence")
                    .write_inner_content(|w| {
                        text_element(w, "t:StartDate", &start)?;
                        text_element(w, "t:EndDate", &end.format("%Y-%m-%d").to_string())
                    })?;
            }
            RecurrenceEnd::AfterOccurrences(count) => {
                w.create_element("t:NumberedRecurrence")
                    .write_inner_content(|w| {
                        text_element(w, "t:StartDate", &start)?;
                        text_element(w, "t:NumberOfOccurrences", &count.to_string())
                    })?;
            }
        }
        Ok(())
    })?;
    Ok(())
}

fn task_status_name(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::NotStarted => "NotStarted",
        TaskStatus::InProgress => "InProgress",
        TaskStatus::Completed => "Completed",
        TaskStatus::WaitingOnOthers => "WaitingOnOthers",
        TaskStatus::Deferred => "Deferred",
    }
}

fn write_task(w: &mut XmlWriter, task: &TaskItem) -> io::Result<()> {
    w.create_element("t:Task").write_inner_content(|w| {
        optional_element(w, "t:Subject", task.subject.as_deref())?;
        text_element(w, "t:Sensitivity", sensitivity_name(task.sensitivity))?;
        body(w, task.body.as_deref())?;
        categories(w, &task.categories)?;
        text_element(w, "t:Importance", importance_name(task.importance))?;
        if let Some(at) = &task.reminder_at {
            text_element(w, "t:ReminderDueBy", &utc_time(at))?;
        }
        text_element(w, "t:ReminderIsSet", bool_text(task.reminder_at.is_some()))?;
        source_key_property(w, task.source_key.as_deref())?;
        if let Some(at) = &task.completed {
            text_element(w, "t:CompleteDate", &utc_time(at))?;
        }
        if let Some(at) = &task.due {
            text_element(w, "t:DueDate", &utc_time(at))?;
        }
        // A completed task is 100 % done; Exchange refuses anything else.
        if let Some(percent) = task.percent_complete
            && task.status != Some(TaskStatus::Completed)
        {
            text_element(w, "t:PercentComplete", &percent.min(100).to_string())?;
        }
        if let Some(at) = &task.start {
            text_element(w, "t:StartDate", &utc_time(at))?;
        }
        if let Some(status) = task.status {
            text_element(w, "t:Status", task_status_name(status))?;
        }
        Ok(())
    })?;
    Ok(())
}

fn email_key(key: EmailKey) -> &'static str {
    match key {
        EmailKey::EmailAddress1 => "EmailAddress1",
        EmailKey::EmailAddress2 => "EmailAddress2",
        EmailKey::EmailAddress3 => "EmailAddress3",
    }
}

fn phone_key(key: PhoneKey) -> &'static str {
    match key {
        PhoneKey::BusinessPhone => "BusinessPhone",
        PhoneKey::BusinessPhone2 => "BusinessPhone2",
        PhoneKey::HomePhone => "HomePhone",
        PhoneKey::HomePhone2 => "HomePhone2",
        PhoneKey::MobilePhone => "MobilePhone",
        PhoneKey::BusinessFax => "BusinessFax",
        PhoneKey::HomeFax => "HomeFax",
        PhoneKey::OtherFax => "OtherFax",
        PhoneKey::Pager => "Pager",
        PhoneKey::CarPhone => "CarPhone",
        PhoneKey::OtherTelephone => "OtherTelephone",
    }
}

fn address_key(key: PhysicalAddressKey) -> &'static str {
    match key {
        PhysicalAddressKey::Business => "Business",
        PhysicalAddressKey::Home => "Home",
        PhysicalAddressKey::Other => "Other",
    }
}

fn entry(w: &mut XmlWriter, key: &str, value: &str) -> io::Result<()> {
    w.create_element("t:Entry")
        .with_attribute(("Key", key))
        .write_text_content(BytesText::new(&xml_safe(value)))?;
    Ok(())
}

fn write_contact(w: &mut XmlWriter, contact: &ContactItem) -> io::Result<()> {
    w.create_element("t:Contact").write_inner_content(|w| {
        body(w, contact.notes.as_deref())?;
        categories(w, &contact.categories)?;
        source_key_property(w, contact.source_key.as_deref())?;
        optional_element(w, "t:DisplayName", contact.display_name.as_deref())?;
        optional_element(w, "t:GivenName", contact.given_name.as_deref())?;
        optional_element(w, "t:MiddleName", contact.middle_name.as_deref())?;
        optional_element(w, "t:Nickname", contact.nickname.as_deref())?;
        optional_element(w, "t:CompanyName", contact.company.as_deref())?;
        if !contact.emails.is_empty() {
            w.create_element("t:EmailAddresses")
                .write_inner_content(|w| {
                    contact
                        .emails
                        .iter()
                        .try_for_each(|(key, value)| entry(w, email_key(*key), value))
                })?;
        }
        if !contact.addresses.is_empty() {
            w.create_element("t:PhysicalAddresses")
                .write_inner_content(|w| {
                    for address in &contact.addresses {
                        w.create_element("t:Entry")
                            .with_attribute(("Key", address_key(address.key)))
                            .write_inner_content(|w| {
                                optional_element(w, "t:Street", address.street.as_deref())?;
                                optional_element(w, "t:City", address.city.as_deref())?;
                                optional_element(w, "t:State", address.state.as_deref())?;
                                optional_element(
                                    w,
                                    "t:CountryOrRegion",
                                    address.country.as_deref(),
                                )?;
                                optional_element(w, "t:PostalCode", address.postal_code.as_deref())
                            })?;
                    }
                    Ok(())
                })?;
        }
        if !contact.phones.is_empty() {
            w.create_element("t:PhoneNumbers")
                .write_inner_content(|w| {
                    contact
                        .phones
                        .iter()
                        .try_for_each(|(key, value)| entry(w, phone_key(*key), value))
                })?;
        }
        if let Some(birthday) = contact.birthday {
            // Noon UTC: the same date in every zone within ±12 hours.
            text_element(
                w,
                "t:Birthday",
                &birthday.format("%Y-%m-%dT12:00:00Z").to_string(),
            )?;
        }
        optional_element(
            w,
            "t:BusinessHomePage",
            contact.business_home_page.as_deref(),
        )?;
        optional_element(w, "t:Department", contact.department.as_deref())?;
        optional_element(w, "t:Generation", contact.generation.as_deref())?;
        optional_element(w, "t:JobTitle", contact.job_title.as_deref())?;
        optional_element(w, "t:Surname", contact.surname.as_deref())
    })?;
    Ok(())
}
