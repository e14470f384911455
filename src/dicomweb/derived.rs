//! Derived objects over DICOMweb (issue 12): which series of a study's QIDO-RS series list are
//! derived objects (SEG, RTSTRUCT, SR, KO, PR: by Modality, the only type attribute a series
//! result carries, PS3.18 Table 10.6.3-4), which series to read when a study is opened, and how
//! a series the user may fetch is named.

use super::json::SeriesRow;
use crate::derived::DerivedKind;

/// The kind of derived object a series holds, from its QIDO-RS row (None: an image series).
pub fn series_kind(row: &SeriesRow) -> Option<DerivedKind> {
    DerivedKind::classify("", &row.modality)
}

/// The series to read, in order, when a study is opened with `linked` series named first (a
/// deep link or the study browser). Every linked series comes first. When the link names only
/// derived series (a SEG, an SR), only those are read: each then says which series it needs
/// and offers to fetch them, rather than the whole study arriving unasked. Otherwise the rest
/// of the study follows, in the list's order.
pub fn series_to_open(rows: &[SeriesRow], linked: &[String]) -> Vec<String> {
    let linked_rows: Vec<&SeriesRow> =
        linked.iter().filter_map(|uid| rows.iter().find(|r| &r.series_uid == uid)).collect();
    let only_derived = !linked_rows.is_empty() && linked_rows.iter().all(|row| series_kind(row).is_some());
    let mut out: Vec<String> = linked.to_vec();
    if !only_derived {
        out.extend(rows.iter().filter(|row| !linked.contains(&row.series_uid)).map(|row| row.series_uid.clone()));
    }
    out
}

/// How a series the user may fetch is named: "CT 2: Liver CT" (modality, number, description),
/// with the parts it has; None when the row has none of them.
pub fn series_name(row: &SeriesRow) -> Option<String> {
    let number = row.series_number.map(|n| format!(" {n}")).unwrap_or_default();
    let head = format!("{}{number}", row.modality).trim().to_string();
    match (head.is_empty(), row.description.is_empty()) {
        (true, true) => None,
        (false, true) => Some(head),
        (true, false) => Some(row.description.clone()),
        (false, false) => Some(format!("{head}: {}", row.description)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(uid: &str, modality: &str, number: Option<i32>, description: &str) -> SeriesRow {
        SeriesRow {
            series_uid: uid.into(),
            modality: modality.into(),
            series_number: number,
            description: description.into(),
            ..SeriesRow::default()
        }
    }

    #[test]
    fn derived_series_are_known_by_modality_and_a_link_to_them_reads_only_them() {
        let rows = [row("1", "CT", Some(2), "Liver CT"), row("2", "SEG", Some(100), "Liver"), row("3", "SR", None, "")];
        let kinds: Vec<Option<DerivedKind>> = rows.iter().map(series_kind).collect();
        assert_eq!(kinds, [None, Some(DerivedKind::Segmentation), Some(DerivedKind::StructuredReport)]);
        // A link to the SEG: only the SEG; the CT is fetched when the user asks.
        assert_eq!(series_to_open(&rows, &["2".into()]), ["2"]);
        // A link to the CT, or no link: the whole study, linked series first.
        assert_eq!(series_to_open(&rows, &["1".into()]), ["1", "2", "3"]);
        assert_eq!(series_to_open(&rows, &["3".into(), "1".into()]), ["3", "1", "2"]);
        assert_eq!(series_to_open(&rows, &[]), ["1", "2", "3"]);
        // A linked series the list lacks is still read (the server may list lazily).
        assert_eq!(series_to_open(&rows, &["9".into()]), ["9", "1", "2", "3"]);
        assert_eq!(series_name(&rows[0]).as_deref(), Some("CT 2: Liver CT"));
        assert_eq!(series_name(&rows[2]).as_deref(), Some("SR"));
        assert_eq!(series_name(&row("4", "", None, "")), None);
    }
}
