//! Prior studies of a patient for the comparison layout: the QIDO-RS search
//! `{qidoRoot}/studies?PatientID=…` (PS3.18 10.6.1; Patient ID by single value matching,
//! PS3.4 C.2.2.2.1) and the list shown beside the current study — the patient's other studies
//! already open and those the server returned, newest first, each once.

use super::json::StudyRow;
use super::qido::{study_search_url, StudyQuery};
use super::source::DataSource;
use super::uri::QueryError;

/// Most studies asked for per patient.
pub const PRIORS_LIMIT: u32 = 100;

/// One study the comparison layout offers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prior {
    pub study_uid: String,
    /// Study Date (DA, YYYYMMDD) and Time as sent; empty when unknown.
    pub study_date: String,
    pub study_time: String,
    pub description: String,
    pub modalities: Vec<String>,
    /// The DICOMweb source it is fetched from; None for a study only open locally.
    pub source: Option<String>,
    /// Its instances are in the viewer already (nothing to fetch).
    pub open: bool,
}

/// The QIDO-RS search for the studies of `patient_id` on `source`; None when the current study
/// has no Patient ID (the search would list every patient) or the ID holds `*`, `?` or `\`
/// (it would be read as a wildcard or a list of values, not matched as sent).
pub fn prior_search_url(source: &DataSource, patient_id: &str) -> Option<Result<String, QueryError>> {
    let patient_id = patient_id.trim();
    if patient_id.is_empty() || patient_id.contains(['*', '?', '\\']) {
        return None;
    }
    let query = StudyQuery { patient_id: patient_id.to_string(), limit: PRIORS_LIMIT, ..StudyQuery::default() };
    Some(study_search_url(source, &query))
}

/// The priors list: `open` (studies in the viewer, any patient) and the server's `rows` (from
/// `source`), keeping only other studies of `patient_id` (exact, trimmed: a server may match
/// loosely), each study once (an open one stays marked open), newest first.
pub fn prior_list(
    patient_id: &str,
    current_study_uid: &str,
    open: Vec<(String, Prior)>,
    rows: &[StudyRow],
    source: &str,
) -> Vec<Prior> {
    let patient_id = patient_id.trim();
    let mut list: Vec<Prior> = Vec::new();
    let mut add = |prior: Prior| {
        if prior.study_uid == current_study_uid {
            return;
        }
        match list.iter_mut().find(|p| p.study_uid == prior.study_uid) {
            Some(existing) => {
                existing.open |= prior.open;
                if existing.source.is_none() {
                    existing.source = prior.source;
                }
            }
            None => list.push(prior),
        }
    };
    for (id, prior) in open {
        if !patient_id.is_empty() && id.trim() == patient_id {
            add(prior);
        }
    }
    for row in rows.iter().filter(|row| !patient_id.is_empty() && row.patient_id.trim() == patient_id) {
        add(Prior {
            study_uid: row.study_uid.clone(),
            study_date: row.study_date.clone(),
            study_time: row.study_time.clone(),
            description: row.description.clone(),
            modalities: row.modalities.clone(),
            source: Some(source.to_string()),
            open: false,
        });
    }
    // Newest first; unknown dates last; then by UID for a stable order.
    list.sort_by(|a, b| {
        a.study_date
            .is_empty()
            .cmp(&b.study_date.is_empty())
            .then_with(|| (&b.study_date, &b.study_time).cmp(&(&a.study_date, &a.study_time)))
            .then_with(|| a.study_uid.cmp(&b.study_uid))
    });
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dicomweb::source::{AuthKind, SourceFlags, ThumbnailKind};

    fn source(include_field: bool) -> DataSource {
        DataSource {
            name: "orthanc".into(),
            friendly_name: "Orthanc".into(),
            qido_root: "http://h/dicom-web".into(),
            wado_root: "http://h/dicom-web".into(),
            auth: AuthKind::None,
            flags: SourceFlags { qido_supports_include_field: include_field, ..SourceFlags::OHIF_DEFAULTS },
            thumbnails: ThumbnailKind::Rendered,
            description: String::new(),
        }
    }

    fn row(uid: &str, patient: &str, date: &str) -> StudyRow {
        StudyRow { study_uid: uid.into(), patient_id: patient.into(), study_date: date.into(), ..StudyRow::default() }
    }

    #[test]
    fn the_search_asks_for_one_patient_id_exactly() {
        let url = prior_search_url(&source(false), " PAT 7^x ").unwrap().unwrap();
        assert_eq!(url, "http://h/dicom-web/studies?PatientID=PAT%207%5Ex&limit=100&offset=0");
        let url = prior_search_url(&source(true), "P1").unwrap().unwrap();
        assert!(url.starts_with("http://h/dicom-web/studies?PatientID=P1&includefield="), "{url}");
        assert_eq!(prior_search_url(&source(false), "  "), None);
        assert_eq!(prior_search_url(&source(false), "P*"), None);
        assert_eq!(prior_search_url(&source(false), "A\\B"), None);
    }

    #[test]
    fn the_list_holds_other_studies_of_the_patient_newest_first_each_once() {
        let open = vec![
            (
                "P1".to_string(),
                Prior { study_uid: "1.1".into(), study_date: "20240101".into(), open: true, ..Prior::default() },
            ),
            (
                "P1".to_string(),
                Prior { study_uid: "1.2".into(), study_date: "20200101".into(), open: true, ..Prior::default() },
            ),
            (
                "P2".to_string(),
                Prior { study_uid: "2.1".into(), study_date: "20230101".into(), open: true, ..Prior::default() },
            ),
        ];
        let rows = vec![
            row("1.1", "P1", "20240101"),
            row("1.2", "P1", "20200101"),
            row("1.3", "P1", "20220505"),
            row("1.4", "P1", ""),
            row("1.5", "P10", "20250101"),
        ];
        let list = prior_list("P1", "1.1", open, &rows, "orthanc");
        let uids: Vec<&str> = list.iter().map(|p| p.study_uid.as_str()).collect();
        assert_eq!(uids, ["1.3", "1.2", "1.4"]);
        assert!(!list[0].open && list[0].source.as_deref() == Some("orthanc"));
        assert!(list[1].open && list[1].source.as_deref() == Some("orthanc"), "{:?}", list[1]);
        assert!(prior_list("", "x", Vec::new(), &[row("9", "", "")], "s").is_empty());
    }
}
