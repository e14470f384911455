//! `index.json`: the list of sample studies the page offers, written by hand (RFC 8259):
//! `[{"id": …, "title": …, "description": …, "modality": "CT", "images": 64, "rows": 256,
//! "columns": 256, "thumbnail": "ct-phantom.png", "thumbnailWidth": 192, "thumbnailHeight": 192,
//! "files": ["ct-phantom/0001.dcm", …]}, …]`; and read back by the page (`parse_manifest`).

use super::thumbnail::SampleFacts;
use super::SampleStudy;

/// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259 §7);
/// other characters, including non-ASCII, are written as UTF-8.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What a start-page card shows beside the study's own title and description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleCard {
    pub facts: SampleFacts,
    /// Thumbnail path relative to the samples folder.
    pub thumbnail: String,
    pub thumbnail_width_px: u32,
    pub thumbnail_height_px: u32,
}

/// The manifest, one study per line.
pub fn manifest_json(entries: &[(&SampleStudy, SampleCard)]) -> String {
    let lines: Vec<String> = entries
        .iter()
        .map(|(study, card)| {
            let files: Vec<String> = study.files.iter().map(|f| json_string(&f.path)).collect();
            format!(
                "{{\"id\":{},\"title\":{},\"description\":{},\"modality\":{},\"images\":{},\"rows\":{},\"columns\":{},\
                 \"thumbnail\":{},\"thumbnailWidth\":{},\"thumbnailHeight\":{},\"files\":[{}]}}",
                json_string(study.id),
                json_string(study.title),
                json_string(study.description),
                json_string(&card.facts.modality),
                card.facts.images,
                card.facts.rows,
                card.facts.columns,
                json_string(&card.thumbnail),
                card.thumbnail_width_px,
                card.thumbnail_height_px,
                files.join(",")
            )
        })
        .collect();
    format!("[\n{}\n]\n", lines.join(",\n"))
}

/// One sample study as the page reads it from `index.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleEntry {
    pub id: String,
    pub title: String,
    pub description: String,
    /// Absent in a manifest without facts: empty / 0.
    pub modality: String,
    pub images: u32,
    pub rows: u32,
    pub columns: u32,
    /// Path relative to the samples folder; None without a thumbnail.
    pub thumbnail: Option<String>,
    pub thumbnail_width_px: u32,
    pub thumbnail_height_px: u32,
    pub files: Vec<String>,
}

/// Why `index.json` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError(pub String);

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "samples/index.json {}; rebuild the page (make-samples writes it)", self.0)
    }
}

impl std::error::Error for ManifestError {}

/// Reads the manifest the page was built with. Entries without an id or files are errors;
/// missing facts and thumbnails are allowed (older builds).
pub fn parse_manifest(text: &str) -> Result<Vec<SampleEntry>, ManifestError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ManifestError(format!("is not JSON ({e})")))?;
    let list = value.as_array().ok_or_else(|| ManifestError("is not a list".to_string()))?;
    list.iter()
        .enumerate()
        .map(|(index, item)| {
            let text = |key: &str| item.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            let number =
                |key: &str| item.get(key).and_then(|v| v.as_u64()).and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
            let id = text("id");
            if id.is_empty() {
                return Err(ManifestError(format!("entry {} has no id", index + 1)));
            }
            let files: Vec<String> = item
                .get("files")
                .and_then(|f| f.as_array())
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            if files.is_empty() {
                return Err(ManifestError(format!("entry {id} lists no files")));
            }
            let thumbnail = Some(text("thumbnail")).filter(|t| !t.is_empty());
            Ok(SampleEntry {
                title: text("title"),
                description: text("description"),
                modality: text("modality"),
                images: number("images"),
                rows: number("rows"),
                columns: number("columns"),
                thumbnail,
                thumbnail_width_px: number("thumbnailWidth"),
                thumbnail_height_px: number("thumbnailHeight"),
                files,
                id,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::SampleFile;

    #[test]
    fn escapes_by_rfc_8259() {
        assert_eq!(json_string("a\"b\\c\nd\u{1}é–"), "\"a\\\"b\\\\c\\nd\\u0001é–\"");
    }

    fn card() -> SampleCard {
        SampleCard {
            facts: SampleFacts { modality: "CT".into(), images: 2, rows: 4, columns: 8 },
            thumbnail: "x.png".into(),
            thumbnail_width_px: 192,
            thumbnail_height_px: 96,
        }
    }

    #[test]
    fn manifest_shape_and_reading_it_back() {
        let study = SampleStudy {
            id: "x",
            title: "T",
            description: "D \"q\"",
            files: vec![
                SampleFile { path: "x/1.dcm".into(), bytes: vec![] },
                SampleFile { path: "x/2.dcm".into(), bytes: vec![] },
            ],
        };
        let json = manifest_json(&[(&study, card())]);
        assert_eq!(
            json,
            "[\n{\"id\":\"x\",\"title\":\"T\",\"description\":\"D \\\"q\\\"\",\"modality\":\"CT\",\"images\":2,\
             \"rows\":4,\"columns\":8,\"thumbnail\":\"x.png\",\"thumbnailWidth\":192,\"thumbnailHeight\":96,\
             \"files\":[\"x/1.dcm\",\"x/2.dcm\"]}\n]\n"
        );
        let read = parse_manifest(&json).expect("reads");
        assert_eq!(
            read,
            vec![SampleEntry {
                id: "x".into(),
                title: "T".into(),
                description: "D \"q\"".into(),
                modality: "CT".into(),
                images: 2,
                rows: 4,
                columns: 8,
                thumbnail: Some("x.png".into()),
                thumbnail_width_px: 192,
                thumbnail_height_px: 96,
                files: vec!["x/1.dcm".into(), "x/2.dcm".into()],
            }]
        );
    }

    #[test]
    fn damaged_manifests_are_named_errors() {
        assert!(parse_manifest("[").unwrap_err().to_string().contains("is not JSON"));
        assert!(parse_manifest("{}").unwrap_err().to_string().contains("is not a list"));
        assert!(parse_manifest("[{\"files\":[\"a\"]}]").unwrap_err().to_string().contains("no id"));
        assert!(parse_manifest("[{\"id\":\"a\"}]").unwrap_err().to_string().contains("lists no files"));
        // An older manifest without facts or thumbnail still reads.
        let old = parse_manifest("[{\"id\":\"a\",\"title\":\"A\",\"files\":[\"a/1.dcm\"]}]").expect("reads");
        assert_eq!((old[0].thumbnail.clone(), old[0].images), (None, 0));
    }
}
