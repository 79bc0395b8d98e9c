//! One contacts row as a contact card.
//!
//! The display name (the item's summary) is the person's name, else the
//! company, else the first e-mail address. Outlook writes `0/0/00` (or
//! `0.0.00`) for "no birthday", and an Exchange-internal address
//! (`/o=…/cn=…`) for contacts inside the organisation: neither is kept.

use super::dates::{DateOrder, Parsed, parse_date};
use super::headers::{AddressKind, AddressPart, ColumnMap, ContactColumn as C, PhoneKind};
use super::records::Row;
use super::uid::UidDeriver;
use super::values;
use crate::model::{Contact, Item, ItemKind, Labeled, Name, PostalAddress, Sensitivity};

const PHONES: [PhoneKind; 14] = [
    PhoneKind::Primary,
    PhoneKind::Business,
    PhoneKind::Business2,
    PhoneKind::CompanyMain,
    PhoneKind::Assistant,
    PhoneKind::Mobile,
    PhoneKind::Home,
    PhoneKind::Home2,
    PhoneKind::Car,
    PhoneKind::Pager,
    PhoneKind::Other,
    PhoneKind::BusinessFax,
    PhoneKind::HomeFax,
    PhoneKind::OtherFax,
];

/// Every row as a contact, in file order.
pub(super) fn read_contacts(rows: &[Row], columns: &ColumnMap<C>, order: DateOrder) -> Vec<Item> {
    let mut uids = UidDeriver::default();
    rows.iter()
        .map(|row| {
            let mut item = ContactReader {
                row,
                columns,
                order,
                item: Item::new(ItemKind::Contact, row.line),
            }
            .read();
            let contact = item.contact.clone().unwrap_or_default();
            let mut parts = vec![item.summary.clone().unwrap_or_default()];
            parts.extend(contact.emails.iter().map(|e| e.value.clone()));
            parts.extend(contact.phones.iter().map(|p| p.value.clone()));
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            uids.assign(
                &mut item,
                &parts,
                "name, e-mail addresses and phone numbers",
            );
            item
        })
        .collect()
}

/// Reads one row into `item`, noting what it cannot read.
struct ContactReader<'a> {
    row: &'a Row,
    columns: &'a ColumnMap<C>,
    order: DateOrder,
    item: Item,
}

impl ContactReader<'_> {
    fn read(mut self) -> Item {
        let text = |field| self.columns.text(self.row, field).map(str::to_string);
        let mut contact = Contact {
            name: Name {
                prefix: text(C::Title),
                given: text(C::FirstName),
                middle: text(C::MiddleName),
                family: text(C::LastName),
                suffix: text(C::Suffix),
            },
            nickname: text(C::Nickname),
            organization: text(C::Company),
            department: text(C::Department),
            title: text(C::JobTitle),
            urls: text(C::WebPage).into_iter().collect(),
            ..Contact::default()
        };
        let full_name = text(C::FullName);
        self.item.description = self
            .columns
            .cell(self.row, C::Notes)
            .map(|cell| cell.raw.to_string());
        self.item.categories = self
            .columns
            .text(self.row, C::Categories)
            .map(values::list)
            .unwrap_or_default();
        contact.emails = self.emails();
        contact.phones = self.phones();
        contact.addresses = [AddressKind::Business, AddressKind::Home, AddressKind::Other]
            .into_iter()
            .filter_map(|kind| self.address(kind))
            .collect();
        contact.birthday = self.birthday();
        self.item.sensitivity = self.sensitivity();
        self.item.summary = contact
            .name
            .display()
            .or(full_name)
            .or_else(|| contact.organization.clone())
            .or_else(|| contact.emails.first().map(|e| e.value.clone()));
        if self.item.summary.is_none() {
            self.item
                .notes
                .push("The contact has no name, company or e-mail address".to_string());
        }
        if let Some(note) = self.row.extra_fields_note(self.columns.width()) {
            self.item.notes.push(note);
        }
        self.item.contact = Some(contact);
        self.item
    }

    fn emails(&mut self) -> Vec<Labeled> {
        let mut emails = Vec::new();
        for number in 1..=3 {
            let Some(cell) = self.columns.cell(self.row, C::Email(number)) else {
                continue;
            };
            if cell.value.contains('@') {
                emails.push(Labeled {
                    value: cell.value.to_string(),
                    labels: Vec::new(),
                });
            } else {
                self.item.notes.push(format!(
                    "{} “{}” is not an Internet e-mail address (Outlook writes addresses inside an Exchange organisation this way); it was left out",
                    cell.column, cell.value
                ));
            }
        }
        emails
    }

    fn phones(&self) -> Vec<Labeled> {
        PHONES
            .iter()
            .filter_map(|&kind| {
                let value = self.columns.text(self.row, C::Phone(kind))?;
                Some(Labeled {
                    value: value.to_string(),
                    labels: kind.labels().iter().map(|l| l.to_string()).collect(),
                })
            })
            .collect()
    }

    /// An address from its parts; the street lines are joined by line
    /// breaks.
    fn address(&self, kind: AddressKind) -> Option<PostalAddress> {
        let part = |part| {
            self.columns
                .text(self.row, C::Address(kind, part))
                .map(str::to_string)
        };
        let street_lines: Vec<String> = [
            AddressPart::Street,
            AddressPart::Street2,
            AddressPart::Street3,
        ]
        .into_iter()
        .filter_map(part)
        .collect();
        let address = PostalAddress {
            labels: vec![kind.label().to_string()],
            street: (!street_lines.is_empty()).then(|| street_lines.join("\n")),
            city: part(AddressPart::City),
            region: part(AddressPart::State),
            postal_code: part(AddressPart::PostalCode),
            country: part(AddressPart::Country),
        };
        let empty = PostalAddress {
            labels: address.labels.clone(),
            ..PostalAddress::default()
        };
        (address != empty).then_some(address)
    }

    fn birthday(&mut self) -> Option<String> {
        let cell = self.columns.cell(self.row, C::Birthday)?;
        match parse_date(cell.value, self.order) {
            Parsed::Value(date) => Some(date.format("%Y-%m-%d").to_string()),
            Parsed::Blank => None,
            Parsed::Unreadable => {
                self.item
                    .notes
                    .push(values::unreadable("date", cell.column, cell.value));
                None
            }
        }
    }

    fn sensitivity(&mut self) -> Option<Sensitivity> {
        let (columns, row, notes) = (self.columns, self.row, &mut self.item.notes);
        let mut word =
            |field, read: fn(&str) -> Option<_>| columns.read_or_note(row, field, read, notes);
        let private = word(C::Private, |v| {
            values::boolean(v).map(|private| private.then_some(Sensitivity::Private))
        })
        .flatten();
        let sensitivity = word(C::Sensitivity, |v| values::sensitivity(v).map(Some)).flatten();
        values::stricter(sensitivity, private)
    }
}
