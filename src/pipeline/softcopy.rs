//! The grey transforms a Grayscale Softcopy Presentation State puts in place of the image's own
//! (PS3.4 N.2, PS3.3 A.33.1): its Modality LUT (C.11.1), its Softcopy VOI LUT (C.11.8) and its
//! Presentation LUT (C.11.6), which may be a table rather than a shape.

use super::{LookupTable, ModalityLut, PresentationShape, Voi};

/// Presentation LUT of a presentation state (C.11.6): Presentation LUT Shape or a Presentation
/// LUT Sequence item whose input is the VOI output scaled to its entries.
#[derive(Debug, Clone, PartialEq)]
pub enum PresentationLut {
    Shape(PresentationShape),
    Table(LookupTable),
}

impl Default for PresentationLut {
    fn default() -> PresentationLut {
        PresentationLut::Shape(PresentationShape::Identity)
    }
}

/// Largest number of modality values a VOI followed by a Presentation LUT table is compiled
/// for (an 18-bit range; wider inputs keep the VOI and drop the table, see [`compose`]).
pub const MAX_COMPOSED_ENTRIES: i64 = 1 << 18;

/// The transforms a presentation state applies to a grey image (each None: the standard's
/// default when the state has none, see [`SoftcopyTransforms`] users in `api.rs`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SoftcopyTransforms {
    /// Modality LUT module of the state (Rescale or Modality LUT Sequence); None: the image's.
    pub modality: Option<ModalityLut>,
    /// Softcopy VOI LUT item that applies to the shown image; None: the modality range.
    pub voi: Option<Voi>,
    pub presentation: PresentationLut,
}

/// A VOI followed by a Presentation LUT table, compiled into one VOI table over the integer
/// modality values `min..=max` (C.11.6.1: the VOI output range is mapped onto the table's
/// entries, index = round(intensity · (entries − 1)); output keeps the table's bit depth).
/// None when the range is empty or wider than [`MAX_COMPOSED_ENTRIES`].
pub fn compose(voi: &Voi, table: &LookupTable, min: i64, max: i64) -> Option<Voi> {
    if max < min || max - min >= MAX_COMPOSED_ENTRIES || table.entries.is_empty() {
        return None;
    }
    let last = (table.entries.len() - 1) as f64;
    let entries = (min..=max)
        .map(|x| {
            let index = (voi.apply(x as f64).clamp(0.0, 1.0) * last).round() as usize;
            table.entries.get(index).copied().unwrap_or(0)
        })
        .collect();
    let first_mapped = i32::try_from(min).ok()?;
    Some(Voi::Table(LookupTable { first_mapped, bits_per_entry: table.bits_per_entry, entries }))
}

/// The range of modality values a modality LUT can produce from stored values `min..=max`.
pub fn modality_output_range(modality: &ModalityLut, min: i64, max: i64) -> (f64, f64) {
    match modality {
        ModalityLut::Table(table) => {
            let low = table.entries.iter().min().copied().unwrap_or(0);
            let high = table.entries.iter().max().copied().unwrap_or(0);
            (f64::from(low), f64::from(high))
        }
        other => {
            let (a, b) = (other.apply(min as f64), other.apply(max as f64));
            (a.min(b), a.max(b))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{VoiLutFunction, WindowLevel};
    use super::*;

    #[test]
    fn an_eight_bit_voi_table_indexes_the_presentation_table_exactly() {
        // VOI table reverses 0..=3 (2 bits out), presentation table doubles (8 bits out).
        let voi = Voi::Table(LookupTable { first_mapped: 0, bits_per_entry: 2, entries: vec![3, 2, 1, 0] });
        let p = LookupTable { first_mapped: 0, bits_per_entry: 8, entries: vec![10, 20, 30, 40] };
        let composed = compose(&voi, &p, 0, 3).expect("small range");
        let Voi::Table(table) = &composed else { panic!("a table") };
        assert_eq!(table.entries, vec![40, 30, 20, 10]);
        assert_eq!(table.bits_per_entry, 8);
        assert!((composed.apply(0.0) - 40.0 / 255.0).abs() < 1e-12);
    }

    #[test]
    fn a_window_then_a_table_and_the_limits() {
        let window = Voi::Window(WindowLevel { center: 50.0, width: 101.0, function: VoiLutFunction::Linear });
        let p = LookupTable { first_mapped: 0, bits_per_entry: 16, entries: (0..=10).map(|v| v * 100).collect() };
        let Some(Voi::Table(table)) = compose(&window, &p, -10, 110) else { panic!("a table") };
        assert_eq!(table.first_mapped, -10);
        assert_eq!((table.entries[0], table.entries[120]), (0, 1000));
        assert_eq!(table.entries[60], 500, "the window's middle is the table's middle");
        assert_eq!(compose(&window, &p, 5, 4), None);
        assert_eq!(compose(&window, &p, 0, MAX_COMPOSED_ENTRIES), None);
    }

    #[test]
    fn modality_range_of_a_table_is_its_entries() {
        let table = LookupTable { first_mapped: 0, bits_per_entry: 8, entries: vec![9, 200, 3] };
        assert_eq!(modality_output_range(&ModalityLut::Table(table), 0, 255), (3.0, 200.0));
        assert_eq!(modality_output_range(&ModalityLut::Identity, 0, 255), (0.0, 255.0));
    }
}
