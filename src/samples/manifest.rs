//! `index.json`: the list of sample studies the page offers, written by hand (RFC 8259) so the
//! library needs no JSON dependency:
//! `[{"id": …, "title": …, "description": …, "files": ["ct-phantom/0001.dcm", …]}, …]`.

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

/// The manifest, one study per line.
pub fn manifest_json(studies: &[SampleStudy]) -> String {
    let entries: Vec<String> = studies
        .iter()
        .map(|study| {
            let files: Vec<String> = study.files.iter().map(|f| json_string(&f.path)).collect();
            format!(
                "{{\"id\":{},\"title\":{},\"description\":{},\"files\":[{}]}}",
                json_string(study.id),
                json_string(study.title),
                json_string(study.description),
                files.join(",")
            )
        })
        .collect();
    format!("[\n{}\n]\n", entries.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::SampleFile;

    #[test]
    fn escapes_by_rfc_8259() {
        assert_eq!(json_string("a\"b\\c\nd\u{1}é–"), "\"a\\\"b\\\\c\\nd\\u0001é–\"");
    }

    #[test]
    fn manifest_shape() {
        let study = SampleStudy {
            id: "x",
            title: "T",
            description: "D",
            files: vec![
                SampleFile { path: "x/1.dcm".into(), bytes: vec![] },
                SampleFile { path: "x/2.dcm".into(), bytes: vec![] },
            ],
        };
        assert_eq!(
            manifest_json(&[study]),
            "[\n{\"id\":\"x\",\"title\":\"T\",\"description\":\"D\",\"files\":[\"x/1.dcm\",\"x/2.dcm\"]}\n]\n"
        );
    }
}
