//! One FindItem for a whole batch's source keys: the restriction is an
//! `Or` of `IsEqualTo` on Ferry's extended property (a lone key is a
//! plain `IsEqualTo`), the answer lists each match with that property
//! (`AdditionalProperties`), and it comes in pages
//! (`IndexedPageItemView` with `MaxEntriesReturned` and `Offset`) that
//! [`read_find_item_page`] reads with their paging attributes.

use super::requests::{Folder, folder_ids, item_shape, key_equals};
use super::responses::{FoundItem, body, read_found_items, response_messages};
use super::xml::envelope;
use super::{EwsError, EwsSettings};

/// Which page of a FindItem answer to ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Items skipped from the beginning (`Offset`).
    pub offset: usize,
    /// Items listed at most (`MaxEntriesReturned`, at least 1).
    pub max_entries: usize,
}

/// One page of a FindItem answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPage {
    pub items: Vec<FoundItem>,
    /// `IncludesLastItemInRange`: no page follows (true when the server
    /// does not say).
    pub last: bool,
    /// `IndexedPagingOffset`: where the next page starts, when said.
    pub next_offset: Option<usize>,
    /// `TotalItemsInView`, when said.
    pub total: Option<usize>,
}

/// FindItem for the items of `folder` whose source key is any of
/// `keys` (at least one), one `page` of the answer. Series masters and
/// single items are searched, not occurrences.
pub fn find_by_source_keys(
    folder: Folder,
    keys: &[&str],
    page: PageRequest,
    settings: &EwsSettings,
) -> Result<String, EwsError> {
    if keys.is_empty() {
        return Err(EwsError::EmptyBatch);
    }
    let offset = page.offset.to_string();
    let max_entries = page.max_entries.max(1).to_string();
    envelope(settings, |w| {
        w.create_element("m:FindItem")
            .with_attribute(("Traversal", "Shallow"))
            .write_inner_content(|w| {
                item_shape(w, false)?;
                w.create_element("m:IndexedPageItemView")
                    .with_attribute(("MaxEntriesReturned", max_entries.as_str()))
                    .with_attribute(("Offset", offset.as_str()))
                    .with_attribute(("BasePoint", "Beginning"))
                    .write_empty()?;
                w.create_element("m:Restriction").write_inner_content(|w| {
                    if let [key] = keys {
                        return key_equals(w, key);
                    }
                    w.create_element("t:Or").write_inner_content(|w| {
                        keys.iter().try_for_each(|key| key_equals(w, key))
                    })?;
                    Ok(())
                })?;
                folder_ids(w, "m:ParentFolderIds", folder)
            })?;
        Ok(())
    })
}

fn number(value: Option<&str>) -> Option<usize> {
    value.and_then(|v| v.trim().parse().ok())
}

/// One page of a FindItem answer: its items and where the view goes on.
pub fn read_find_item_page(xml: &str) -> Result<FoundPage, EwsError> {
    let body = body(xml)?;
    let items = read_found_items(&body)?;
    let root = response_messages(&body)?
        .into_iter()
        .find_map(|message| message.child("RootFolder"));
    let attribute = |name| root.and_then(|r| r.attribute(name));
    Ok(FoundPage {
        items,
        last: attribute("IncludesLastItemInRange") != Some("false"),
        next_offset: number(attribute("IndexedPagingOffset")),
        total: number(attribute("TotalItemsInView")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_ored_and_the_page_is_asked_for() {
        let page = PageRequest {
            offset: 10,
            max_entries: 5,
        };
        let xml = find_by_source_keys(
            Folder::Contacts,
            &["a@x", "b&c"],
            page,
            &EwsSettings::default(),
        )
        .unwrap();
        assert!(xml.contains(
            r#"<m:IndexedPageItemView MaxEntriesReturned="5" Offset="10" BasePoint="Beginning"/>"#
        ));
        assert_eq!(xml.matches("<t:IsEqualTo>").count(), 2, "{xml}");
        assert!(
            xml.contains("<t:Or>") && xml.contains(r#"Value="b&amp;c""#),
            "{xml}"
        );
        let one = find_by_source_keys(Folder::Tasks, &["a"], page, &EwsSettings::default());
        assert!(!one.unwrap().contains("<t:Or>"));
        assert!(matches!(
            find_by_source_keys(Folder::Tasks, &[], page, &EwsSettings::default()),
            Err(EwsError::EmptyBatch)
        ));
    }

    #[test]
    fn paging_attributes_are_read() {
        let xml = r#"<s:Envelope xmlns:s="s"><s:Body><m:FindItemResponse xmlns:m="m" xmlns:t="t"><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder IndexedPagingOffset="2" TotalItemsInView="3" IncludesLastItemInRange="false"><t:Items><t:Contact><t:ItemId Id="1"/></t:Contact><t:Contact><t:ItemId Id="2"/></t:Contact></t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse></s:Body></s:Envelope>"#;
        let page = read_find_item_page(xml).unwrap();
        assert_eq!(page.items.len(), 2);
        assert!(!page.last);
        assert_eq!(page.next_offset, Some(2));
        assert_eq!(page.total, Some(3));
    }
}
