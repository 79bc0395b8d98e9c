//! Contacts as Graph `contact`s: names, up to three e-mail addresses,
//! business, home and mobile phones, the three postal addresses,
//! company, department, job title, birthday, web page, notes, categories
//! and the source key. Graph's contact has no fax, pager, car or other
//! phone: each is named as a loss. The photo goes in a request of its own
//! after the contact ([`super::photo`]).

use super::resources::{Contact, EmailAddress, PhysicalAddress};
use super::values::source_key_properties;
use crate::convert::exchange::{self, ContactItem, Loss, PhoneKey, PhysicalAddressKey};

fn physical_address(address: &exchange::PhysicalAddress) -> PhysicalAddress {
    PhysicalAddress {
        street: address.street.clone(),
        city: address.city.clone(),
        state: address.state.clone(),
        country_or_region: address.country.clone(),
        postal_code: address.postal_code.clone(),
    }
}

/// `contact` as a Graph contact; what it cannot hold goes to `losses`.
pub fn contact(item: &ContactItem, losses: &mut Vec<Loss>) -> Contact {
    let mut contact = Contact {
        display_name: item.display_name.clone(),
        given_name: item.given_name.clone(),
        middle_name: item.middle_name.clone(),
        surname: item.surname.clone(),
        generation: item.generation.clone(),
        nick_name: item.nickname.clone(),
        company_name: item.company.clone(),
        department: item.department.clone(),
        job_title: item.job_title.clone(),
        // The slots come in order, at most three (see `exchange::contact`).
        email_addresses: item
            .emails
            .iter()
            .map(|(_, address)| EmailAddress {
                address: address.clone(),
            })
            .collect(),
        // Noon UTC: the same date in every zone within ±12 hours.
        birthday: item
            .birthday
            .map(|date| date.format("%Y-%m-%dT12:00:00Z").to_string()),
        business_home_page: item.business_home_page.clone(),
        personal_notes: item.notes.clone(),
        categories: item.categories.clone(),
        single_value_extended_properties: source_key_properties(item.source_key.as_deref()),
        ..Contact::default()
    };
    for (key, number) in &item.phones {
        match key {
            PhoneKey::BusinessPhone | PhoneKey::BusinessPhone2 => {
                contact.business_phones.push(number.clone());
            }
            PhoneKey::HomePhone | PhoneKey::HomePhone2 => contact.home_phones.push(number.clone()),
            PhoneKey::MobilePhone => contact.mobile_phone = Some(number.clone()),
            PhoneKey::BusinessFax
            | PhoneKey::HomeFax
            | PhoneKey::OtherFax
            | PhoneKey::Pager
            | PhoneKey::CarPhone
            | PhoneKey::OtherTelephone => losses.push(Loss::new(
                "phone",
                format!(
                    "Graph contacts hold business, home and mobile phones only; “{number}” is left out"
                ),
            )),
        }
    }
    for address in &item.addresses {
        let slot = match address.key {
            PhysicalAddressKey::Business => &mut contact.business_address,
            PhysicalAddressKey::Home => &mut contact.home_address,
            PhysicalAddressKey::Other => &mut contact.other_address,
        };
        *slot = Some(physical_address(address));
    }
    contact
}
