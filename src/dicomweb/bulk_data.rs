//! Which BulkDataURIs of WADO-RS metadata (PS3.18 F.2.6) are fetched before an instance is
//! shown. Each is one request per instance, so fetching all of them eagerly multiplies the
//! requests of a series (three private OB attributes per slice: four requests per slice instead
//! of one). The rule:
//!
//! - `bulkDataURI.enabled: false` in config.json: none;
//! - pixel data never (frames are fetched one by one when shown, `…/frames/N`);
//! - private attributes (odd group, PS3.5 7.8) never: nothing here displays them;
//! - attributes in sequence items never (they cannot be inserted at the root of the data set);
//! - of the rest, only what drawing needs: the Palette Color Lookup Table data, plain and
//!   segmented (PS3.3 C.7.6.3.1.6, C.7.9), without which a PALETTE COLOR image cannot be drawn,
//!   and Overlay Data (60xx,3000; PS3.3 C.9.2), which the viewport draws by default
//!   (src/dicom/overlay.rs). ICC profiles, waveform, audio, encapsulated documents and other bulk
//!   attributes are not displayed by this viewer and are not fetched.

use dicom_core::Tag;
use dicom_dictionary_std::tags;

use super::json::BulkDataRef;
use super::source::SourceFlags;

/// Attributes whose bulk data a display needs before the first draw.
const NEEDED_FOR_DISPLAY: [Tag; 6] = [
    tags::RED_PALETTE_COLOR_LOOKUP_TABLE_DATA,
    tags::GREEN_PALETTE_COLOR_LOOKUP_TABLE_DATA,
    tags::BLUE_PALETTE_COLOR_LOOKUP_TABLE_DATA,
    tags::SEGMENTED_RED_PALETTE_COLOR_LOOKUP_TABLE_DATA,
    tags::SEGMENTED_GREEN_PALETTE_COLOR_LOOKUP_TABLE_DATA,
    tags::SEGMENTED_BLUE_PALETTE_COLOR_LOOKUP_TABLE_DATA,
];

/// True when `reference` is fetched before the instance is shown (see the module rule).
pub fn fetch_before_display(flags: &SourceFlags, reference: &BulkDataRef) -> bool {
    flags.bulk_data_uri_enabled
        && !reference.in_sequence
        && reference.tag.group().is_multiple_of(2)
        && (NEEDED_FOR_DISPLAY.contains(&reference.tag) || is_overlay_data(reference.tag))
}

/// Overlay Data (60xx,3000) of one of the 16 overlay groups 6000–601E (even groups, PS3.3 C.9.2).
fn is_overlay_data(tag: Tag) -> bool {
    (0x6000..=0x601E).contains(&tag.group()) && tag.group().is_multiple_of(2) && tag.element() == 0x3000
}

#[cfg(test)]
mod tests {
    use dicom_core::VR;

    use super::*;

    fn reference(tag: Tag, in_sequence: bool) -> BulkDataRef {
        BulkDataRef { tag, uri: "bulk/1".into(), vr: VR::OB, in_sequence }
    }

    fn enabled() -> SourceFlags {
        SourceFlags { bulk_data_uri_enabled: true, ..SourceFlags::OHIF_DEFAULTS }
    }

    #[test]
    fn private_and_pixel_data_are_never_fetched() {
        let flags = enabled();
        for tag in
            [Tag(0x0009, 0x1010), Tag(0x0029, 0x1020), Tag(0x7FE1, 0x0010), tags::PIXEL_DATA, tags::FLOAT_PIXEL_DATA]
        {
            assert!(!fetch_before_display(&flags, &reference(tag, false)), "{tag}");
        }
    }

    #[test]
    fn palette_data_is_fetched_when_enabled() {
        let palette = reference(tags::RED_PALETTE_COLOR_LOOKUP_TABLE_DATA, false);
        assert!(fetch_before_display(&enabled(), &palette));
        assert!(fetch_before_display(
            &enabled(),
            &reference(tags::SEGMENTED_BLUE_PALETTE_COLOR_LOOKUP_TABLE_DATA, false)
        ));
        let disabled = SourceFlags { bulk_data_uri_enabled: false, ..enabled() };
        assert!(!fetch_before_display(&disabled, &palette));
        assert!(!fetch_before_display(&enabled(), &reference(tags::RED_PALETTE_COLOR_LOOKUP_TABLE_DATA, true)));
    }

    #[test]
    fn overlay_data_is_fetched_when_enabled() {
        for group in [0x6000, 0x6002, 0x601E] {
            assert!(fetch_before_display(&enabled(), &reference(Tag(group, 0x3000), false)), "{group:04X}");
        }
        // Odd groups are private; 6020 is outside the overlay range; 6000,0010 is no data.
        for tag in [Tag(0x6001, 0x3000), Tag(0x6020, 0x3000), Tag(0x6000, 0x0010)] {
            assert!(!fetch_before_display(&enabled(), &reference(tag, false)), "{tag}");
        }
        let disabled = SourceFlags { bulk_data_uri_enabled: false, ..enabled() };
        assert!(!fetch_before_display(&disabled, &reference(Tag(0x6000, 0x3000), false)));
    }

    #[test]
    fn undisplayed_bulk_data_is_not_fetched() {
        for tag in [tags::ICC_PROFILE, tags::ENCAPSULATED_DOCUMENT, tags::WAVEFORM_DATA] {
            assert!(!fetch_before_display(&enabled(), &reference(tag, false)), "{tag}");
        }
    }
}
