//! Contacts (vCard) as Exchange contacts: names, up to three e-mail
//! addresses, phones by kind, business/home/other addresses, company,
//! department, job title, birthday, notes and categories. The photo is
//! kept aside, for a later attachment.

use super::{ExchangeConversion, ExchangeItem, Loss, Operation};
use crate::convert::source_key;
use crate::model::{Item, Labeled, Photo, PostalAddress};
use chrono::NaiveDate;

/// A contact as Exchange holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContactItem {
    pub source_key: Option<String>,
    pub display_name: Option<String>,
    pub given_name: Option<String>,
    pub middle_name: Option<String>,
    pub surname: Option<String>,
    /// Name suffix (Jr., III).
    pub generation: Option<String>,
    pub nickname: Option<String>,
    pub company: Option<String>,
    pub department: Option<String>,
    pub job_title: Option<String>,
    pub emails: Vec<(EmailKey, String)>,
    pub phones: Vec<(PhoneKey, String)>,
    pub addresses: Vec<PhysicalAddress>,
    pub birthday: Option<NaiveDate>,
    pub business_home_page: Option<String>,
    /// Plain text.
    pub notes: Option<String>,
    pub categories: Vec<String>,
    /// Not part of the contact item itself: attached after it is created.
    pub photo: Option<Photo>,
}

/// Exchange's three e-mail slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailKey {
    EmailAddress1,
    EmailAddress2,
    EmailAddress3,
}

/// Exchange's phone slots Ferry fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneKey {
    BusinessPhone,
    BusinessPhone2,
    HomePhone,
    HomePhone2,
    MobilePhone,
    BusinessFax,
    HomeFax,
    OtherFax,
    Pager,
    CarPhone,
    OtherTelephone,
}

/// Exchange's three address slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhysicalAddressKey {
    Business,
    Home,
    Other,
}

/// A postal address in one of the slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhysicalAddress {
    pub key: PhysicalAddressKey,
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub postal_code: Option<String>,
}

fn has(labels: &[String], label: &str) -> bool {
    labels.iter().any(|l| l.eq_ignore_ascii_case(label))
}

/// The slots a phone may go in, best first.
fn phone_slots(labels: &[String]) -> &'static [PhoneKey] {
    let work = has(labels, "work");
    let home = has(labels, "home");
    if has(labels, "fax") {
        return if work {
            &[PhoneKey::BusinessFax, PhoneKey::OtherFax]
        } else if home {
            &[PhoneKey::HomeFax, PhoneKey::OtherFax]
        } else {
            &[PhoneKey::OtherFax, PhoneKey::BusinessFax, PhoneKey::HomeFax]
        };
    }
    if has(labels, "cell") || has(labels, "mobile") {
        return &[PhoneKey::MobilePhone, PhoneKey::OtherTelephone];
    }
    if has(labels, "pager") {
        return &[PhoneKey::Pager, PhoneKey::OtherTelephone];
    }
    if has(labels, "car") {
        return &[PhoneKey::CarPhone, PhoneKey::OtherTelephone];
    }
    if work {
        return &[
            PhoneKey::BusinessPhone,
            PhoneKey::BusinessPhone2,
            PhoneKey::OtherTelephone,
        ];
    }
    if home {
        return &[
            PhoneKey::HomePhone,
            PhoneKey::HomePhone2,
            PhoneKey::OtherTelephone,
        ];
    }
    &[
        PhoneKey::OtherTelephone,
        PhoneKey::BusinessPhone,
        PhoneKey::HomePhone,
        PhoneKey::MobilePhone,
    ]
}

fn phones(list: &[Labeled], losses: &mut Vec<Loss>) -> Vec<(PhoneKey, String)> {
    let mut taken: Vec<(PhoneKey, String)> = Vec::new();
    for phone in list.iter().filter(|p| !p.value.trim().is_empty()) {
        match phone_slots(&phone.labels)
            .iter()
            .find(|slot| !taken.iter().any(|(key, _)| key == *slot))
        {
            Some(slot) => taken.push((*slot, phone.value.trim().to_string())),
            None => losses.push(Loss::new(
                "phone",
                format!(
                    "No free phone slot of its kind for “{}”; it is left out",
                    phone.value
                ),
            )),
        }
    }
    taken
}

fn emails(list: &[Labeled], losses: &mut Vec<Loss>) -> Vec<(EmailKey, String)> {
    let keys = [
        EmailKey::EmailAddress1,
        EmailKey::EmailAddress2,
        EmailKey::EmailAddress3,
    ];
    let values: Vec<&str> = list
        .iter()
        .map(|e| e.value.trim())
        .filter(|v| !v.is_empty())
        .collect();
    for extra in values.iter().skip(keys.len()) {
        losses.push(Loss::new(
            "email",
            format!("Exchange contacts hold three e-mail addresses; “{extra}” is left out"),
        ));
    }
    keys.into_iter()
        .zip(values)
        .map(|(key, value)| (key, value.to_string()))
        .collect()
}

fn addresses(list: &[PostalAddress], losses: &mut Vec<Loss>) -> Vec<PhysicalAddress> {
    let mut taken: Vec<PhysicalAddress> = Vec::new();
    for address in list {
        let wanted = if has(&address.labels, "work") {
            [PhysicalAddressKey::Business, PhysicalAddressKey::Other]
        } else if has(&address.labels, "home") {
            [PhysicalAddressKey::Home, PhysicalAddressKey::Other]
        } else {
            [PhysicalAddressKey::Other, PhysicalAddressKey::Home]
        };
        match wanted.into_iter().find(|key| !taken.iter().any(|a| a.key == *key)) {
            Some(key) => taken.push(PhysicalAddress {
                key,
                street: address.street.clone(),
                city: address.city.clone(),
                state: address.region.clone(),
                country: address.country.clone(),
                postal_code: address.postal_code.clone(),
            }),
            None => losses.push(Loss::new(
                "address",
                "Exchange contacts hold one business, one home and one other address; an address is left out",
            )),
        }
    }
    taken
}

pub(super) fn convert_contact(item: &Item, conversion: &mut ExchangeConversion) {
    let losses = &mut conversion.losses;
    let card = item.contact.clone().unwrap_or_default();
    if card.name.prefix.is_some() {
        losses.push(Loss::new(
            "name",
            "Exchange cannot be given a name prefix (title) through EWS or Graph; it stays in the display name only",
        ));
    }
    let birthday = card.birthday.as_deref().and_then(|text| {
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        if date.is_none() {
            losses.push(Loss::new(
                "birthday",
                format!("Exchange needs a birthday with a year; “{text}” is left out"),
            ));
        }
        date
    });
    for url in card.urls.iter().skip(1) {
        losses.push(Loss::new(
            "url",
            format!("Exchange contacts hold one web page; “{url}” is left out"),
        ));
    }
    let display_name = item.summary.clone().or_else(|| card.name.display());
    conversion
        .operations
        .push(Operation::Create(ExchangeItem::Contact(Box::new(
            ContactItem {
                source_key: source_key(item),
                display_name,
                given_name: card.name.given.clone(),
                middle_name: card.name.middle.clone(),
                surname: card.name.family.clone(),
                generation: card.name.suffix.clone(),
                nickname: card.nickname.clone(),
                company: card.organization.clone(),
                department: card.department.clone(),
                job_title: card.title.clone(),
                emails: emails(&card.emails, losses),
                phones: phones(&card.phones, losses),
                addresses: addresses(&card.addresses, losses),
                birthday,
                business_home_page: card.urls.first().cloned(),
                notes: item.description.clone(),
                categories: item.categories.clone(),
                photo: card.photo.clone(),
            },
        ))));
}
