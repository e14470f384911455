//! One default window for a whole display set whose images store none.
//!
//! PS3.3 C.11.2 leaves the VOI to the viewer when an image has no Window Center/Width and no VOI
//! LUT Sequence. Windowing each slice over its own min/max makes the brightness jump while
//! scrolling, so a display set gets one range, fixed at its first draw:
//!
//! 1. an image that stores a window (or VOI LUT) keeps it, per frame, as before;
//! 2. otherwise, when the first image drawn carries Smallest/Largest Pixel Value in Series
//!    (0028,0108)/(0028,0109, C.7.3.1), that range through the modality LUT;
//! 3. otherwise the min/max of the modality values of the middle slice (stacks open there; it is
//!    the frame the thumbnail shows too).
//!
//! Frames decode lazily, so the range over the whole set is not known at the first draw. The
//! range is taken from the slice the viewer opened on; while instances still arrive and the
//! viewer follows the middle (`viewer::opening_slice`), it is taken again from each new middle
//! slice; once the user moves it is kept for the whole set, until the user sets a window or
//! shows another set. Values outside it are clamped, as with any window.

use dicom_dictionary_std::tags;

use crate::dicom::{Attributes, DicomImage, Frame};

/// The modality-value range (min, max) a display set is windowed over, or None when this image
/// needs none (it stores its own window, or it is not greyscale).
pub fn set_default_range(image: &DicomImage, frame_index: u32, frame: &Frame) -> Option<(f64, f64)> {
    if !frame.photometric.is_monochrome() || !image.info.windows(frame_index).is_empty() {
        return None;
    }
    if let Some((smallest, largest)) = series_pixel_range(image) {
        let modality = image.info.modality_lut(frame_index);
        let (a, b) = (modality.apply(smallest), modality.apply(largest));
        return Some((a.min(b), a.max(b)));
    }
    Some(image.modality_range(frame_index, frame))
}

/// Smallest/Largest Pixel Value in Series in stored values, when both are present and ordered.
/// Their VR is US or SS as Pixel Representation says (C.7.3.1); a value read as unsigned from an
/// implicit-VR file of signed pixels is reinterpreted as 16-bit two's complement.
fn series_pixel_range(image: &DicomImage) -> Option<(f64, f64)> {
    let attributes = Attributes(&image.dataset);
    let read = |tag| {
        attributes.int(tag).map(|value| {
            if image.info.layout.signed && value > i64::from(i16::MAX) && value <= i64::from(u16::MAX) {
                value - 65_536
            } else {
                value
            }
        })
    };
    let smallest = read(tags::SMALLEST_PIXEL_VALUE_IN_SERIES)?;
    let largest = read(tags::LARGEST_PIXEL_VALUE_IN_SERIES)?;
    (smallest <= largest).then_some((smallest as f64, largest as f64))
}

#[cfg(test)]
mod tests {
    use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
    use dicom_object::InMemDicomObject;

    use super::*;
    use crate::api::RenderOptions;
    use crate::dicom::SampleFormat;
    use crate::pipeline::{Photometric, PixelValues, Voi};

    fn element(tag: Tag, vr: VR, value: PrimitiveValue) -> DataElement<InMemDicomObject> {
        DataElement::new(tag, vr, value)
    }

    /// A 2×2 MONOCHROME2 16-bit header with Rescale Slope/Intercept 1/-1000, plus `extra`.
    fn image(extra: Vec<DataElement<InMemDicomObject>>) -> DicomImage {
        let mut dataset = InMemDicomObject::from_element_iter([
            element(tags::SAMPLES_PER_PIXEL, VR::US, PrimitiveValue::from(1u16)),
            element(tags::PHOTOMETRIC_INTERPRETATION, VR::CS, PrimitiveValue::from("MONOCHROME2")),
            element(tags::ROWS, VR::US, PrimitiveValue::from(2u16)),
            element(tags::COLUMNS, VR::US, PrimitiveValue::from(2u16)),
            element(tags::BITS_ALLOCATED, VR::US, PrimitiveValue::from(16u16)),
            element(tags::BITS_STORED, VR::US, PrimitiveValue::from(12u16)),
            element(tags::HIGH_BIT, VR::US, PrimitiveValue::from(11u16)),
            element(tags::PIXEL_REPRESENTATION, VR::US, PrimitiveValue::from(0u16)),
            element(tags::RESCALE_INTERCEPT, VR::DS, PrimitiveValue::from("-1000")),
            element(tags::RESCALE_SLOPE, VR::DS, PrimitiveValue::from("1")),
        ]);
        for e in extra {
            dataset.put(e);
        }
        DicomImage::from_header(dataset, "1.2.840.10008.1.2.1", SampleFormat::Integer).expect("a valid header")
    }

    fn frame(values: [u16; 4]) -> Frame {
        Frame {
            rows: 2,
            columns: 2,
            samples_per_pixel: 1,
            bits_allocated: 16,
            bits_stored: 12,
            pixel_representation: 0,
            photometric: Photometric::Monochrome2,
            pixels: PixelValues::U16(values.to_vec()),
            embedded_overlays: Default::default(),
        }
    }

    fn window_of(image: &DicomImage, frame: &Frame, options: &RenderOptions) -> (f64, f64) {
        match image.voi(0, frame, options) {
            Voi::Window(w) => (w.center, w.width),
            Voi::Table(_) => panic!("expected a window"),
        }
    }

    #[test]
    fn every_slice_gets_the_first_drawn_slice_range() {
        let image = image(Vec::new());
        let middle = frame([1000, 1200, 1500, 2000]);
        let edge = frame([0, 10, 20, 30]);
        let range = set_default_range(&image, 0, &middle);
        // Modality values: 0..1000 HU for the middle slice.
        assert_eq!(range, Some((0.0, 1000.0)));
        let options = RenderOptions { default_range: range, ..Default::default() };
        // Without the set range each slice would be windowed over its own values.
        assert_ne!(
            window_of(&image, &middle, &RenderOptions::default()),
            window_of(&image, &edge, &RenderOptions::default())
        );
        assert_eq!(window_of(&image, &middle, &options), window_of(&image, &edge, &options));
        assert_eq!(window_of(&image, &edge, &options), (500.5, 1001.0));
    }

    #[test]
    fn series_pixel_range_wins_over_the_frame() {
        let image = image(vec![
            element(tags::SMALLEST_PIXEL_VALUE_IN_SERIES, VR::US, PrimitiveValue::from(0u16)),
            element(tags::LARGEST_PIXEL_VALUE_IN_SERIES, VR::US, PrimitiveValue::from(4095u16)),
        ]);
        assert_eq!(set_default_range(&image, 0, &frame([1000, 1200, 1500, 2000])), Some((-1000.0, 3095.0)));
    }

    #[test]
    fn a_stored_window_needs_no_set_range() {
        let image = image(vec![
            element(tags::WINDOW_CENTER, VR::DS, PrimitiveValue::from("40")),
            element(tags::WINDOW_WIDTH, VR::DS, PrimitiveValue::from("400")),
        ]);
        assert_eq!(set_default_range(&image, 0, &frame([1000, 1200, 1500, 2000])), None);
    }

    #[test]
    fn reversed_series_range_is_ignored() {
        let image = image(vec![
            element(tags::SMALLEST_PIXEL_VALUE_IN_SERIES, VR::US, PrimitiveValue::from(900u16)),
            element(tags::LARGEST_PIXEL_VALUE_IN_SERIES, VR::US, PrimitiveValue::from(100u16)),
        ]);
        assert_eq!(set_default_range(&image, 0, &frame([1000, 1000, 1000, 2000])), Some((0.0, 1000.0)));
    }
}
