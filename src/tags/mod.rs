//! The data for a tag browser: every element of a data set (PS3.5 §7) as a row of text —
//! tag, keyword (PS3.6), VR, value — with sequence items nested, and a search that keeps the
//! path to each match.

mod filter;

use dicom_core::dictionary::DataDictionary;
use dicom_core::header::Header;
use dicom_core::value::{PrimitiveValue, Value};
use dicom_core::{Tag, VR};
use dicom_dictionary_std::StandardDataDictionary;
use dicom_object::{FileMetaTable, InMemDicomObject};

pub use filter::filter;

/// Values longer than this (in characters) are cut and end with "…".
pub const MAX_VALUE_CHARS: usize = 256;

/// One data element shown as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagNode {
    /// (group, element).
    pub tag: (u16, u16),
    /// The PS3.6 keyword ("PatientName"); "Private" for odd groups, "Unknown" otherwise.
    pub keyword: String,
    pub vr: String,
    /// Human-readable value: text as is, numbers joined with '\', binary as a size summary.
    pub value: String,
    /// Sequence items (VR SQ), each a list of nodes.
    pub items: Vec<Vec<TagNode>>,
}

impl TagNode {
    /// "(gggg,eeee)" with upper-case hexadecimal digits, as in PS3.6.
    pub fn tag_text(&self) -> String {
        format!("({:04X},{:04X})", self.tag.0, self.tag.1)
    }
}

/// The elements of a data set in tag order, sequences expanded.
pub fn tag_tree(dataset: &InMemDicomObject) -> Vec<TagNode> {
    dataset.iter().map(|element| node(element.tag(), element.vr(), element.value())).collect()
}

/// The File Meta Information group (0002,xxxx) of a PS3.10 file (PS3.10 §7.1).
pub fn meta_tag_tree(meta: &FileMetaTable) -> Vec<TagNode> {
    meta.to_element_iter().map(|element| node(element.tag(), element.vr(), element.value())).collect()
}

fn node<I, P>(tag: Tag, vr: VR, value: &Value<I, P>) -> TagNode
where
    I: ItemTree,
    P: AsRef<[u8]>,
{
    let (value, items) = match value {
        Value::Primitive(primitive) => (primitive_text(tag, vr, primitive), Vec::new()),
        Value::Sequence(sequence) => {
            let items: Vec<Vec<TagNode>> = sequence.items().iter().map(ItemTree::tree).collect();
            (count(items.len(), "item"), items)
        }
        Value::PixelSequence(pixels) => {
            let bytes: usize = pixels.fragments().iter().map(|f| f.as_ref().len()).sum();
            let fragments = count(pixels.fragments().len(), "fragment");
            (format!("<{vr}, encapsulated, {fragments}, {bytes} bytes>"), Vec::new())
        }
    };
    TagNode { tag: (tag.group(), tag.element()), keyword: keyword(tag), vr: vr.to_string().to_string(), value, items }
}

/// Items that can be shown as a tree: data sets, and the empty items of the file meta group.
trait ItemTree {
    fn tree(&self) -> Vec<TagNode>;
}

impl ItemTree for InMemDicomObject {
    fn tree(&self) -> Vec<TagNode> {
        tag_tree(self)
    }
}

impl ItemTree for dicom_core::header::EmptyObject {
    fn tree(&self) -> Vec<TagNode> {
        Vec::new()
    }
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn keyword(tag: Tag) -> String {
    if tag.group() % 2 == 1 {
        return "Private".to_string();
    }
    StandardDataDictionary.by_tag(tag).map_or_else(|| "Unknown".to_string(), |entry| entry.alias.to_string())
}

fn is_pixel_data(tag: Tag) -> bool {
    tag.group() == 0x7FE0 && matches!(tag.element(), 0x0008..=0x0010)
}

fn primitive_text(tag: Tag, vr: VR, value: &PrimitiveValue) -> String {
    let binary = matches!(vr, VR::OB | VR::OW | VR::OF | VR::OD | VR::OL | VR::OV | VR::UN);
    if binary || is_pixel_data(tag) {
        return format!("<{vr}, {} bytes>", value.calculate_byte_len());
    }
    truncate(value.to_str().trim_end_matches(['\0', ' ']))
}

/// Cuts text at `MAX_VALUE_CHARS` characters, ending it with "…".
fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_VALUE_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dicom_core::{dicom_value, DataElement};

    #[test]
    fn values_as_text() {
        let mut item = InMemDicomObject::new_empty();
        item.put(DataElement::new(Tag(0x0062, 0x0005), VR::LO, dicom_value!(Str, "Liver")));
        let mut dataset = InMemDicomObject::new_empty();
        dataset.put(DataElement::new(Tag(0x0010, 0x0010), VR::PN, dicom_value!(Str, "Doe^Jane ")));
        dataset.put(DataElement::new(Tag(0x0028, 0x0030), VR::DS, dicom_value!(Strs, ["0.5", "0.75"])));
        dataset.put(DataElement::new(Tag(0x0028, 0x0010), VR::US, dicom_value!(U16, [512])));
        dataset.put(DataElement::new(Tag(0x0018, 0x9219), VR::SS, dicom_value!(I16, [-3, 4])));
        dataset.put(DataElement::new(Tag(0x0009, 0x0010), VR::LO, dicom_value!(Str, "ACME")));
        dataset.put(DataElement::new(Tag(0x0008, 0x0107), VR::LT, PrimitiveValue::from("x".repeat(300))));
        dataset.put(DataElement::new(Tag(0x7FE0, 0x0010), VR::OW, PrimitiveValue::U16(vec![0; 1000].into())));
        dataset.put(DataElement::new(
            Tag(0x0062, 0x0002),
            VR::SQ,
            dicom_core::value::DataSetSequence::from(vec![item.clone(), item]),
        ));
        let nodes = tag_tree(&dataset);
        let row = |tag: (u16, u16)| nodes.iter().find(|n| n.tag == tag).unwrap().clone();
        assert_eq!(row((0x0010, 0x0010)).keyword, "PatientName");
        assert_eq!(row((0x0010, 0x0010)).value, "Doe^Jane");
        assert_eq!(row((0x0028, 0x0030)).value, "0.5\\0.75");
        assert_eq!((row((0x0028, 0x0010)).vr.as_str(), row((0x0028, 0x0010)).value.as_str()), ("US", "512"));
        assert_eq!(row((0x0018, 0x9219)).value, "-3\\4");
        assert_eq!(row((0x0009, 0x0010)).keyword, "Private");
        assert_eq!(row((0x0008, 0x0107)).value.chars().count(), MAX_VALUE_CHARS + 1);
        assert!(row((0x0008, 0x0107)).value.ends_with('…'));
        assert_eq!(row((0x7FE0, 0x0010)).value, "<OW, 2000 bytes>");
        let sequence = row((0x0062, 0x0002));
        assert_eq!(
            (sequence.keyword.as_str(), sequence.value.as_str(), sequence.items.len()),
            ("SegmentSequence", "2 items", 2)
        );
        assert_eq!(sequence.items[1][0].value, "Liver");
        assert_eq!(sequence.items[1][0].tag_text(), "(0062,0005)");
    }
}
