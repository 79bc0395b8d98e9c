//! Time zones in EWS: a Windows zone by its ID, or a zone a file defines
//! spelled out as a `TimeZoneDefinition` (periods, one transitions group
//! with the yearly changes, and the transition into that group).

use super::xml::{XmlWriter, text_element, xml_safe};
use crate::convert::exchange::ExchangeZone;
use crate::model::{Weekday, YearlyChange, ZoneDefinition};
use quick_xml::events::BytesText;
use std::io;

/// Writes `zone` as the element `name` (`t:StartTimeZone`,
/// `t:TimeZoneDefinition`, …) of type `TimeZoneDefinitionType`.
pub fn write_zone_definition(
    writer: &mut XmlWriter,
    name: &str,
    zone: &ExchangeZone,
) -> io::Result<()> {
    let ExchangeZone::Custom(definition) = zone else {
        writer
            .create_element(name)
            .with_attribute(("Id", xml_safe(zone.id()).as_ref()))
            .write_empty()?;
        return Ok(());
    };
    writer
        .create_element(name)
        .with_attribute(("Id", xml_safe(&definition.id).as_ref()))
        .with_attribute(("Name", xml_safe(&definition.id).as_ref()))
        .write_inner_content(|w| write_custom(w, definition))?;
    Ok(())
}

const STANDARD: &str = "Std";
const DAYLIGHT: &str = "Dlt";

fn write_custom(w: &mut XmlWriter, zone: &ZoneDefinition) -> io::Result<()> {
    w.create_element("t:Periods").write_inner_content(|w| {
        period(w, STANDARD, "Standard", zone.standard_offset_minutes)?;
        if let Some(daylight) = &zone.daylight {
            period(w, DAYLIGHT, "Daylight", daylight.offset_minutes)?;
        }
        Ok(())
    })?;
    w.create_element("t:TransitionsGroups")
        .write_inner_content(|w| {
            w.create_element("t:TransitionsGroup")
                .with_attribute(("Id", "0"))
                .write_inner_content(|w| match &zone.daylight {
                    Some(daylight) => {
                        recurring_day(w, DAYLIGHT, &daylight.starts)?;
                        recurring_day(w, STANDARD, &daylight.ends)
                    }
                    None => {
                        w.create_element("t:Transition")
                            .write_inner_content(|w| target(w, "Period", STANDARD))?;
                        Ok(())
                    }
                })?;
            Ok(())
        })?;
    w.create_element("t:Transitions").write_inner_content(|w| {
        w.create_element("t:Transition")
            .write_inner_content(|w| target(w, "Group", "0"))?;
        Ok(())
    })?;
    Ok(())
}

fn period(w: &mut XmlWriter, id: &str, name: &str, offset_minutes: i32) -> io::Result<()> {
    // Windows' bias is UTC minus local time.
    w.create_element("t:Period")
        .with_attribute(("Bias", duration(-i64::from(offset_minutes) * 60).as_str()))
        .with_attribute(("Name", name))
        .with_attribute(("Id", id))
        .write_empty()?;
    Ok(())
}

fn target(w: &mut XmlWriter, kind: &str, to: &str) -> io::Result<()> {
    w.create_element("t:To")
        .with_attribute(("Kind", kind))
        .write_text_content(BytesText::new(to))?;
    Ok(())
}

fn recurring_day(w: &mut XmlWriter, to: &str, change: &YearlyChange) -> io::Result<()> {
    w.create_element("t:RecurringDayTransition")
        .write_inner_content(|w| {
            target(w, "Period", to)?;
            text_element(
                w,
                "t:TimeOffset",
                &duration(i64::from(change.seconds_after_midnight)),
            )?;
            text_element(w, "t:Month", &change.month.to_string())?;
            text_element(w, "t:DayOfWeek", day_name(change.weekday))?;
            text_element(w, "t:Occurrence", &change.week.to_string())
        })?;
    Ok(())
}

/// The EWS name of a weekday.
pub fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// `seconds` as an xs:duration: `PT2H`, `-PT5H30M`, `PT0S`.
pub fn duration(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let total = seconds.unsigned_abs();
    let (hours, minutes, secs) = (total / 3600, total % 3600 / 60, total % 60);
    let mut text = format!("{sign}PT");
    if hours > 0 {
        text.push_str(&format!("{hours}H"));
    }
    if minutes > 0 {
        text.push_str(&format!("{minutes}M"));
    }
    if secs > 0 || total == 0 {
        text.push_str(&format!("{secs}S"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_xml_schema_durations() {
        assert_eq!(duration(7200), "PT2H");
        assert_eq!(duration(-19_800), "-PT5H30M");
        assert_eq!(duration(0), "PT0S");
        assert_eq!(duration(3_661), "PT1H1M1S");
    }
}
