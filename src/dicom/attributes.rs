//! Typed, non-panicking reads of attribute values from a parsed data set.

use dicom_core::Tag;
use dicom_object::InMemDicomObject;

/// A read-only view of one data set (the root or a sequence item).
#[derive(Clone, Copy)]
pub struct Attributes<'a>(pub &'a InMemDicomObject);

impl<'a> Attributes<'a> {
    fn value(&self, tag: Tag) -> Option<&'a dicom_core::value::Value<InMemDicomObject>> {
        self.0.get(tag).map(|element| element.value())
    }

    pub fn has(&self, tag: Tag) -> bool {
        self.0.get(tag).is_some()
    }

    /// First value of an integer attribute (US, SS, UL, SL, IS).
    pub fn int(&self, tag: Tag) -> Option<i64> {
        self.value(tag)?.to_int::<i64>().ok()
    }

    /// All values of an integer attribute.
    pub fn ints(&self, tag: Tag) -> Vec<i64> {
        self.value(tag).and_then(|v| v.to_multi_int::<i64>().ok()).unwrap_or_default()
    }

    pub fn u16(&self, tag: Tag) -> Option<u16> {
        self.int(tag).and_then(|v| u16::try_from(v).ok())
    }

    /// All values of a decimal attribute (DS, FL, FD), non-finite values dropped.
    pub fn floats(&self, tag: Tag) -> Vec<f64> {
        self.value(tag)
            .and_then(|v| v.to_multi_float64().ok())
            .map(|values| values.into_iter().filter(|v| v.is_finite()).collect())
            .unwrap_or_default()
    }

    pub fn float(&self, tag: Tag) -> Option<f64> {
        self.floats(tag).first().copied()
    }

    /// The whole string value, padding removed; None when absent or empty.
    pub fn string(&self, tag: Tag) -> Option<String> {
        let text = self.value(tag)?.to_str().ok()?;
        let trimmed = text.trim_matches(|c: char| c == ' ' || c == '\0');
        (!trimmed.is_empty()).then(|| trimmed.to_string())
    }

    /// Backslash-separated values of a string attribute.
    pub fn strings(&self, tag: Tag) -> Vec<String> {
        self.string(tag).map(|s| s.split('\\').map(|part| part.trim().to_string()).collect()).unwrap_or_default()
    }

    /// Raw value bytes (native byte order of the parsed values, i.e. little endian here).
    pub fn bytes(&self, tag: Tag) -> Option<std::borrow::Cow<'a, [u8]>> {
        self.value(tag)?.to_bytes().ok()
    }

    /// 16-bit words of an OW/US value such as LUT Data.
    pub fn words(&self, tag: Tag) -> Option<Vec<u16>> {
        let bytes = self.bytes(tag)?;
        Some(bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect())
    }

    /// Items of a sequence attribute (empty when absent or not a sequence).
    pub fn items(&self, tag: Tag) -> &'a [InMemDicomObject] {
        self.value(tag).and_then(|v| v.items()).unwrap_or(&[])
    }

    /// The first item of a sequence, as attributes.
    pub fn item(&self, tag: Tag) -> Option<Attributes<'a>> {
        self.items(tag).first().map(Attributes)
    }
}
