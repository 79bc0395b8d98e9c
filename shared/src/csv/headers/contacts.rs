//! Column names of contact exports: Outlook's "Export to a file → Comma
//! Separated Values" of a contacts folder, one table per language, and the
//! MDaemon address-book columns Ferry can vouch for.
//!
//! The Outlook names follow the tables Exchange itself uses to import
//! Outlook contact CSV files; sources are in `fixtures/csv/README.md`.
//! Only the columns Ferry moves are listed: every other column is reported
//! as unused when it holds a value.

use super::{Column, Handling, Language, Table};

/// Which postal address a column belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(in crate::csv) enum AddressKind {
    Business,
    Home,
    Other,
}

impl AddressKind {
    /// The label of the address in the model (vCard TYPE).
    pub(in crate::csv) fn label(self) -> &'static str {
        match self {
            AddressKind::Business => "work",
            AddressKind::Home => "home",
            AddressKind::Other => "other",
        }
    }
}

/// One part of a postal address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(in crate::csv) enum AddressPart {
    Street,
    Street2,
    Street3,
    City,
    State,
    PostalCode,
    Country,
}

/// Which telephone number a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(in crate::csv) enum PhoneKind {
    Business,
    Business2,
    Home,
    Home2,
    Mobile,
    BusinessFax,
    HomeFax,
    Other,
    OtherFax,
    Pager,
    Car,
    CompanyMain,
    Primary,
    Assistant,
}

impl PhoneKind {
    /// The labels of the number in the model (vCard TYPE values, lower case).
    pub(in crate::csv) fn labels(self) -> &'static [&'static str] {
        match self {
            PhoneKind::Business | PhoneKind::Business2 => &["work", "voice"],
            PhoneKind::Home | PhoneKind::Home2 => &["home", "voice"],
            PhoneKind::Mobile => &["cell"],
            PhoneKind::BusinessFax => &["work", "fax"],
            PhoneKind::HomeFax => &["home", "fax"],
            PhoneKind::Other => &["voice"],
            PhoneKind::OtherFax => &["fax"],
            PhoneKind::Pager => &["pager"],
            PhoneKind::Car => &["car"],
            PhoneKind::CompanyMain => &["work", "main"],
            PhoneKind::Primary => &["pref"],
            PhoneKind::Assistant => &["assistant"],
        }
    }
}

/// What a contact column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(in crate::csv) enum ContactColumn {
    /// Title before the name ("Dr.", "Frau"): the name prefix.
    Title,
    FirstName,
    MiddleName,
    LastName,
    Suffix,
    Nickname,
    /// The whole name in one column (MDaemon).
    FullName,
    Company,
    Department,
    JobTitle,
    Address(AddressKind, AddressPart),
    Phone(PhoneKind),
    /// E-mail address 1, 2 or 3.
    Email(u8),
    Birthday,
    Notes,
    WebPage,
    Categories,
    Sensitivity,
    Private,
    /// `SMTP` or `EX` for e-mail address 1, 2 or 3.
    EmailType(u8),
    /// "Jane Doe (jane@example.com)", made by Outlook from name and address.
    EmailDisplayName(u8),
    /// Made by Outlook from the name.
    Initials,
    /// Nearly always Outlook's "unspecified".
    Gender,
    /// Nearly always Outlook's "normal"; targets keep no priority on contacts.
    Priority,
}

impl Column for ContactColumn {
    fn handling(self) -> Handling {
        match self {
            EmailType(_) | EmailDisplayName(_) | Initials | Gender | Priority => Handling::Ignored,
            _ => Handling::Moved,
        }
    }
}

use AddressKind::{Business, Home, Other};
use AddressPart::*;
use ContactColumn::*;

const ENGLISH: Table<ContactColumn> = &[
    ("Title", Title),
    ("First Name", FirstName),
    ("Middle Name", MiddleName),
    ("Last Name", LastName),
    ("Suffix", Suffix),
    ("Nickname", Nickname),
    ("Company", Company),
    ("Department", Department),
    ("Job Title", JobTitle),
    ("Business Street", Address(Business, Street)),
    ("Business Street 2", Address(Business, Street2)),
    ("Business Street 3", Address(Business, Street3)),
    ("Business City", Address(Business, City)),
    ("Business State", Address(Business, State)),
    ("Business Postal Code", Address(Business, PostalCode)),
    ("Business Country/Region", Address(Business, Country)),
    ("Home Street", Address(Home, Street)),
    ("Home Street 2", Address(Home, Street2)),
    ("Home Street 3", Address(Home, Street3)),
    ("Home City", Address(Home, City)),
    ("Home State", Address(Home, State)),
    ("Home Postal Code", Address(Home, PostalCode)),
    ("Home Country/Region", Address(Home, Country)),
    ("Other Street", Address(Other, Street)),
    ("Other Street 2", Address(Other, Street2)),
    ("Other Street 3", Address(Other, Street3)),
    ("Other City", Address(Other, City)),
    ("Other State", Address(Other, State)),
    ("Other Postal Code", Address(Other, PostalCode)),
    ("Other Country/Region", Address(Other, Country)),
    ("Assistant's Phone", Phone(PhoneKind::Assistant)),
    ("Business Fax", Phone(PhoneKind::BusinessFax)),
    ("Business Phone", Phone(PhoneKind::Business)),
    ("Business Phone 2", Phone(PhoneKind::Business2)),
    ("Car Phone", Phone(PhoneKind::Car)),
    ("Company Main Phone", Phone(PhoneKind::CompanyMain)),
    ("Home Fax", Phone(PhoneKind::HomeFax)),
    ("Home Phone", Phone(PhoneKind::Home)),
    ("Home Phone 2", Phone(PhoneKind::Home2)),
    ("Mobile Phone", Phone(PhoneKind::Mobile)),
    ("Other Fax", Phone(PhoneKind::OtherFax)),
    ("Other Phone", Phone(PhoneKind::Other)),
    ("Pager", Phone(PhoneKind::Pager)),
    ("Primary Phone", Phone(PhoneKind::Primary)),
    ("Birthday", Birthday),
    ("Categories", Categories),
    ("E-mail Address", Email(1)),
    ("E-mail 2 Address", Email(2)),
    ("E-mail 3 Address", Email(3)),
    ("Notes", Notes),
    ("Private", Private),
    ("Sensitivity", Sensitivity),
    ("Web Page", WebPage),
    ("E-mail Type", EmailType(1)),
    ("E-mail 2 Type", EmailType(2)),
    ("E-mail 3 Type", EmailType(3)),
    ("E-mail Display Name", EmailDisplayName(1)),
    ("E-mail 2 Display Name", EmailDisplayName(2)),
    ("E-mail 3 Display Name", EmailDisplayName(3)),
    ("Initials", Initials),
    ("Gender", Gender),
    ("Priority", Priority),
];

const GERMAN: Table<ContactColumn> = &[
    ("Anrede", Title),
    ("Vorname", FirstName),
    ("Weitere Vornamen", MiddleName),
    ("Nachname", LastName),
    ("Suffix", Suffix),
    ("Firma", Company),
    ("Abteilung", Department),
    ("Position", JobTitle),
    ("Straße geschäftlich", Address(Business, Street)),
    ("Straße geschäftlich 2", Address(Business, Street2)),
    ("Straße geschäftlich 3", Address(Business, Street3)),
    ("Ort geschäftlich", Address(Business, City)),
    ("Region geschäftlich", Address(Business, State)),
    ("Postleitzahl geschäftlich", Address(Business, PostalCode)),
    ("Land/Region geschäftlich", Address(Business, Country)),
    ("Straße privat", Address(Home, Street)),
    ("Straße privat 2", Address(Home, Street2)),
    ("Straße privat 3", Address(Home, Street3)),
    ("Ort privat", Address(Home, City)),
    ("Bundesland/Kanton privat", Address(Home, State)),
    ("Postleitzahl privat", Address(Home, PostalCode)),
    ("Land/Region privat", Address(Home, Country)),
    ("Weitere Straße", Address(Other, Street)),
    ("Weitere Straße 2", Address(Other, Street2)),
    ("Weitere Straße 3", Address(Other, Street3)),
    ("Weiterer Ort", Address(Other, City)),
    ("Weiteres/r Bundesland/Kanton", Address(Other, State)),
    ("Weitere Postleitzahl", Address(Other, PostalCode)),
    ("Weiteres/e Land/Region", Address(Other, Country)),
    ("Telefon Assistent", Phone(PhoneKind::Assistant)),
    ("Fax geschäftlich", Phone(PhoneKind::BusinessFax)),
    ("Telefon geschäftlich", Phone(PhoneKind::Business)),
    ("Telefon geschäftlich 2", Phone(PhoneKind::Business2)),
    ("Autotelefon", Phone(PhoneKind::Car)),
    ("Telefon Firma", Phone(PhoneKind::CompanyMain)),
    ("Fax privat", Phone(PhoneKind::HomeFax)),
    ("Telefon privat", Phone(PhoneKind::Home)),
    ("Telefon privat 2", Phone(PhoneKind::Home2)),
    ("Mobiltelefon", Phone(PhoneKind::Mobile)),
    ("Weiteres Fax", Phone(PhoneKind::OtherFax)),
    ("Weiteres Telefon", Phone(PhoneKind::Other)),
    ("Pager", Phone(PhoneKind::Pager)),
    ("Haupttelefon", Phone(PhoneKind::Primary)),
    ("E-Mail-Adresse", Email(1)),
    ("E-Mail 2: Adresse", Email(2)),
    ("E-Mail 3: Adresse", Email(3)),
    ("Geburtstag", Birthday),
    ("Kategorien", Categories),
    ("Notizen", Notes),
    ("Privat", Private),
    ("Vertraulichkeit", Sensitivity),
    ("Webseite", WebPage),
    ("E-Mail-Typ", EmailType(1)),
    ("E-Mail 2: Typ", EmailType(2)),
    ("E-Mail 3: Typ", EmailType(3)),
    ("E-Mail: Angezeigter Name", EmailDisplayName(1)),
    ("E-Mail 2: Angezeigter Name", EmailDisplayName(2)),
    ("E-Mail 3: Angezeigter Name", EmailDisplayName(3)),
    ("Initialen", Initials),
    ("Geschlecht", Gender),
    ("Priorität", Priority),
];

/// French Outlook writes `Titre` twice, like English writes `Title` and
/// `Job Title`: the first is the name prefix, the second the job title.
const FRENCH: Table<ContactColumn> = &[
    ("Titre", Title),
    ("Titre", JobTitle),
    ("Prénom", FirstName),
    ("Deuxième prénom", MiddleName),
    ("Nom", LastName),
    ("Suffixe", Suffix),
    ("Société", Company),
    ("Service", Department),
    ("Rue (bureau)", Address(Business, Street)),
    ("Rue (bureau) 2", Address(Business, Street2)),
    ("Rue (bureau) 3", Address(Business, Street3)),
    ("Ville (bureau)", Address(Business, City)),
    ("Dép/Région (bureau)", Address(Business, State)),
    ("Code postal (bureau)", Address(Business, PostalCode)),
    ("Pays/Région (bureau)", Address(Business, Country)),
    ("Rue (domicile)", Address(Home, Street)),
    ("Rue (domicile) 2", Address(Home, Street2)),
    ("Rue (domicile) 3", Address(Home, Street3)),
    ("Ville (domicile)", Address(Home, City)),
    ("Dép/Région (domicile)", Address(Home, State)),
    ("Code postal (domicile)", Address(Home, PostalCode)),
    ("Pays/Région (domicile)", Address(Home, Country)),
    ("Rue (autre)", Address(Other, Street)),
    ("Rue (autre) 2", Address(Other, Street2)),
    ("Rue (autre) 3", Address(Other, Street3)),
    ("Ville (autre)", Address(Other, City)),
    ("Dép/Région (autre)", Address(Other, State)),
    ("Code postal (autre)", Address(Other, PostalCode)),
    ("Pays/Région (autre)", Address(Other, Country)),
    ("Téléphone de l'assistant(e)", Phone(PhoneKind::Assistant)),
    ("Télécopie (bureau)", Phone(PhoneKind::BusinessFax)),
    ("Téléphone (bureau)", Phone(PhoneKind::Business)),
    ("Téléphone 2 (bureau)", Phone(PhoneKind::Business2)),
    ("Téléphone (voiture)", Phone(PhoneKind::Car)),
    ("Téléphone société", Phone(PhoneKind::CompanyMain)),
    ("Télécopie (domicile)", Phone(PhoneKind::HomeFax)),
    ("Téléphone (domicile)", Phone(PhoneKind::Home)),
    ("Téléphone 2 (domicile)", Phone(PhoneKind::Home2)),
    ("Tél. mobile", Phone(PhoneKind::Mobile)),
    ("Télécopie (autre)", Phone(PhoneKind::OtherFax)),
    ("Téléphone (autre)", Phone(PhoneKind::Other)),
    ("Récepteur de radiomessagerie", Phone(PhoneKind::Pager)),
    ("Téléphone principal", Phone(PhoneKind::Primary)),
    ("Adresse de messagerie", Email(1)),
    ("Adresse de messagerie 2", Email(2)),
    ("Adresse de messagerie 3", Email(3)),
    ("Anniversaire", Birthday),
    ("Catégories", Categories),
    ("Critère de diffusion", Sensitivity),
    ("Notes", Notes),
    ("Page Web", WebPage),
    ("Type de messagerie", EmailType(1)),
    ("Type de messagerie 2", EmailType(2)),
    ("Type de messagerie 3", EmailType(3)),
    (
        "Nom complet de l'adresse de messagerie",
        EmailDisplayName(1),
    ),
    (
        "Nom complet de l'adresse de messagerie 2",
        EmailDisplayName(2),
    ),
    (
        "Nom complet de l'adresse de messagerie 3",
        EmailDisplayName(3),
    ),
    ("Initiales", Initials),
    ("Sexe", Gender),
    ("Priorité", Priority),
];

const DUTCH: Table<ContactColumn> = &[
    ("Titel", Title),
    ("Voornaam", FirstName),
    ("Middelste naam", MiddleName),
    ("Achternaam", LastName),
    ("Achtervoegsel", Suffix),
    ("Bedrijf", Company),
    ("Afdeling", Department),
    ("Functie", JobTitle),
    ("Werkadres, straat", Address(Business, Street)),
    ("Werkadres 2, straat", Address(Business, Street2)),
    ("Werkadres 3, straat", Address(Business, Street3)),
    ("Werkadres, plaats", Address(Business, City)),
    ("Werkadres, provincie", Address(Business, State)),
    ("Werkadres, postcode", Address(Business, PostalCode)),
    ("Land/regio (werk)", Address(Business, Country)),
    ("Huisadres, straat", Address(Home, Street)),
    ("Huisadres, straat 2", Address(Home, Street2)),
    ("Huisadres, straat 3", Address(Home, Street3)),
    ("Huisadres, plaats", Address(Home, City)),
    ("Huisadres, provincie", Address(Home, State)),
    ("Huisadres, postcode", Address(Home, PostalCode)),
    ("Land/regio (thuis)", Address(Home, Country)),
    ("Ander adres, straat", Address(Other, Street)),
    ("Ander adres, straat 2", Address(Other, Street2)),
    ("Ander adres, straat 3", Address(Other, Street3)),
    ("Ander adres, plaats", Address(Other, City)),
    ("Ander adres, provincie", Address(Other, State)),
    ("Ander adres, postcode", Address(Other, PostalCode)),
    ("Land/regio (anders)", Address(Other, Country)),
    ("Telefoon assistent", Phone(PhoneKind::Assistant)),
    ("Fax op werk", Phone(PhoneKind::BusinessFax)),
    ("Telefoon op werk", Phone(PhoneKind::Business)),
    ("Telefoon op werk 2", Phone(PhoneKind::Business2)),
    ("Autotelefoon", Phone(PhoneKind::Car)),
    ("Hoofdtelefoon bedrijf", Phone(PhoneKind::CompanyMain)),
    ("Fax thuis", Phone(PhoneKind::HomeFax)),
    ("Telefoon thuis", Phone(PhoneKind::Home)),
    ("Telefoon thuis 2", Phone(PhoneKind::Home2)),
    ("Mobiele telefoon", Phone(PhoneKind::Mobile)),
    ("Andere fax", Phone(PhoneKind::OtherFax)),
    ("Andere telefoon", Phone(PhoneKind::Other)),
    ("Pager", Phone(PhoneKind::Pager)),
    ("Hoofdtelefoon", Phone(PhoneKind::Primary)),
    ("E-mailadres", Email(1)),
    ("E-mailadres 2", Email(2)),
    ("E-mailadres 3", Email(3)),
    ("Verjaardag", Birthday),
    ("Categorieën", Categories),
    ("Gevoeligheid", Sensitivity),
    ("Notities", Notes),
    ("Webpagina", WebPage),
    ("E-mailtype", EmailType(1)),
    ("E-mailtype 2", EmailType(2)),
    ("E-mailtype 3", EmailType(3)),
    ("Weergavenaam voor e-mail", EmailDisplayName(1)),
    ("E-mail, weergegeven naam 2", EmailDisplayName(2)),
    ("E-mail, weergegeven naam 3", EmailDisplayName(3)),
    ("Initialen", Initials),
    ("Geslacht", Gender),
    ("Prioriteit", Priority),
];

/// Every Outlook contacts table with its language, English first.
pub(super) const OUTLOOK_TABLES: [(Language, Table<ContactColumn>); 4] = [
    (Language::English, ENGLISH),
    (Language::German, GERMAN),
    (Language::French, FRENCH),
    (Language::Dutch, DUTCH),
];

/// MDaemon's address book (WorldClient's `AddrBook.mrk`) names its fields
/// `fullName` and `email`; a CSV made from it carries those names. Nothing
/// more of MDaemon's layout could be documented, so nothing more is read.
pub(super) const MDAEMON: Table<ContactColumn> = &[("fullName", FullName), ("email", Email(1))];
