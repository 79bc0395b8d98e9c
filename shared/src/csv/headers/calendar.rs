//! Column names of Outlook's calendar export ("Export to a file → Comma
//! Separated Values" of a calendar folder), one table per language.
//!
//! Outlook names the columns in the language of its user interface and
//! writes them in that language's alphabetical order after the first
//! twelve, so columns are found by name, never by position. Where to find
//! each name is documented in `fixtures/csv/README.md`.

use super::{Column, Handling, Language, Table};

/// What a calendar column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(in crate::csv) enum CalendarColumn {
    Subject,
    StartDate,
    StartTime,
    EndDate,
    EndTime,
    AllDayEvent,
    ReminderOnOff,
    ReminderDate,
    ReminderTime,
    MeetingOrganizer,
    RequiredAttendees,
    OptionalAttendees,
    MeetingResources,
    BillingInformation,
    Categories,
    Description,
    Location,
    Mileage,
    Priority,
    Private,
    Sensitivity,
    ShowTimeAs,
}

impl Column for CalendarColumn {
    fn handling(self) -> Handling {
        match self {
            CalendarColumn::BillingInformation | CalendarColumn::Mileage => Handling::Reported,
            _ => Handling::Moved,
        }
    }
}

use CalendarColumn::*;

const ENGLISH: Table<CalendarColumn> = &[
    ("Subject", Subject),
    ("Start Date", StartDate),
    ("Start Time", StartTime),
    ("End Date", EndDate),
    ("End Time", EndTime),
    ("All day event", AllDayEvent),
    ("Reminder on/off", ReminderOnOff),
    ("Reminder Date", ReminderDate),
    ("Reminder Time", ReminderTime),
    ("Meeting Organizer", MeetingOrganizer),
    ("Required Attendees", RequiredAttendees),
    ("Optional Attendees", OptionalAttendees),
    ("Meeting Resources", MeetingResources),
    ("Billing Information", BillingInformation),
    ("Categories", Categories),
    ("Description", Description),
    ("Location", Location),
    ("Mileage", Mileage),
    ("Priority", Priority),
    ("Private", Private),
    ("Sensitivity", Sensitivity),
    ("Show time as", ShowTimeAs),
];

const GERMAN: Table<CalendarColumn> = &[
    ("Betreff", Subject),
    ("Beginnt am", StartDate),
    ("Beginnt um", StartTime),
    ("Endet am", EndDate),
    ("Endet um", EndTime),
    ("Ganztägiges Ereignis", AllDayEvent),
    ("Erinnerung Ein/Aus", ReminderOnOff),
    ("Erinnerung am", ReminderDate),
    ("Erinnerung um", ReminderTime),
    ("Besprechungsplanung", MeetingOrganizer),
    ("Erforderliche Teilnehmer", RequiredAttendees),
    ("Optionale Teilnehmer", OptionalAttendees),
    ("Besprechungsressourcen", MeetingResources),
    ("Abrechnungsinformationen", BillingInformation),
    ("Beschreibung", Description),
    ("Kategorien", Categories),
    ("Ort", Location),
    ("Priorität", Priority),
    ("Privat", Private),
    ("Reisekilometer", Mileage),
    ("Vertraulichkeit", Sensitivity),
    ("Zeitspanne zeigen als", ShowTimeAs),
];

/// French Outlook names the start date and the start time both `Début`
/// (and both ends `Fin`): the first column of that name is the date, the
/// second the time. `Heure de début`/`Heure de fin` appear in a
/// third-party importer's test data and are accepted as well.
const FRENCH: Table<CalendarColumn> = &[
    ("Objet", Subject),
    ("Début", StartDate),
    ("Début", StartTime),
    ("Heure de début", StartTime),
    ("Fin", EndDate),
    ("Fin", EndTime),
    ("Heure de fin", EndTime),
    ("Journée entière", AllDayEvent),
    ("Rappel actif/inactif", ReminderOnOff),
    ("Date de rappel", ReminderDate),
    ("Heure du rappel", ReminderTime),
    ("Organisateur d'une réunion", MeetingOrganizer),
    ("Participants obligatoires", RequiredAttendees),
    ("Participants facultatifs", OptionalAttendees),
    ("Ressources de la réunion", MeetingResources),
    ("Afficher la disponibilité", ShowTimeAs),
    ("Catégories", Categories),
    ("Critère de diffusion", Sensitivity),
    ("Description", Description),
    ("Emplacement", Location),
    ("Informations facturation", BillingInformation),
    ("Kilométrage", Mileage),
    ("Priorité", Priority),
    ("Privé", Private),
];

/// Both spellings of the all-day column are in use (`Gebeurtenis` in an
/// Outlook-targeting exporter, `Evenement` in Mozilla's importer), and the
/// accents are sometimes lost.
const DUTCH: Table<CalendarColumn> = &[
    ("Onderwerp", Subject),
    ("Begindatum", StartDate),
    ("Begintijd", StartTime),
    ("Einddatum", EndDate),
    ("Eindtijd", EndTime),
    ("Gebeurtenis, duurt hele dag", AllDayEvent),
    ("Evenement, duurt hele dag", AllDayEvent),
    ("Herinneringen aan/uit", ReminderOnOff),
    ("Herinneringsdatum", ReminderDate),
    ("Herinneringstijd", ReminderTime),
    ("Organisator van vergadering", MeetingOrganizer),
    ("Vereiste genodigden", RequiredAttendees),
    ("Optionele genodigden", OptionalAttendees),
    ("Vergadervoorzieningen", MeetingResources),
    ("Beschrijving", Description),
    ("Categorieën", Categories),
    ("Categorieen", Categories),
    ("Factuurinformatie", BillingInformation),
    ("Gevoeligheid", Sensitivity),
    ("Locatie", Location),
    ("Prioriteit", Priority),
    ("Privé", Private),
    ("Prive", Private),
    ("Reisafstand", Mileage),
    ("Tijd weergeven als", ShowTimeAs),
];

/// Every calendar table with its language, English first.
pub(super) const TABLES: [(Language, Table<CalendarColumn>); 4] = [
    (Language::English, ENGLISH),
    (Language::German, GERMAN),
    (Language::French, FRENCH),
    (Language::Dutch, DUTCH),
];
