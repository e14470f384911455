//! Searching the tag tree. A query is compared with each node's tag, keyword and value, ignoring
//! case:
//! - tag: a query of hexadecimal digits with any separators ("(0028,0030)", "0028,0030",
//!   "0028 0030", "0028-0030", "00280030") matches tags whose eight digits contain those digits;
//! - keyword: letters and digits only, so "pixel spacing", "Pixel Spacing" (the PS3.6 name) and
//!   "pixel_spacing" all find PixelSpacing;
//! - value: the query as typed (runs of spaces counted as one) is part of the value text.
//!
//! Sequences on the way to a match are kept with only the items that lead to it; a matching
//! sequence keeps all its items.

use super::TagNode;

/// The nodes that match `query`, with the sequences that contain matches. An empty (or
/// blank) query keeps everything.
pub fn filter(nodes: &[TagNode], query: &str) -> Vec<TagNode> {
    match Query::new(query) {
        Some(query) => filter_with(nodes, &query),
        None => nodes.to_vec(),
    }
}

/// A search query in the forms it is compared in.
struct Query {
    /// Lower case, trimmed, runs of white space as one space: compared with values.
    text: String,
    /// Lower-case letters and digits only: compared with keywords.
    compact: String,
    /// `compact` when it is 1–8 hexadecimal digits: compared with the tag's digits.
    tag_digits: Option<String>,
}

impl Query {
    fn new(query: &str) -> Option<Query> {
        let text = query.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if text.is_empty() {
            return None;
        }
        let compact = letters_and_digits(&text);
        let tag_digits = (!compact.is_empty() && compact.len() <= 8 && compact.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| compact.clone());
        Some(Query { text, compact, tag_digits })
    }
}

/// Lower-case letters and digits of `text`, nothing else.
fn letters_and_digits(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Lower case, runs of white space as one space.
fn value_text(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn filter_with(nodes: &[TagNode], query: &Query) -> Vec<TagNode> {
    nodes
        .iter()
        .filter_map(|node| {
            if matches(node, query) {
                return Some(node.clone());
            }
            let items: Vec<Vec<TagNode>> =
                node.items.iter().map(|item| filter_with(item, query)).filter(|item| !item.is_empty()).collect();
            (!items.is_empty()).then(|| TagNode { items, ..node.clone() })
        })
        .collect()
}

fn matches(node: &TagNode, query: &Query) -> bool {
    let (group, element) = node.tag;
    let tag_matches =
        query.tag_digits.as_ref().is_some_and(|digits| format!("{group:04x}{element:04x}").contains(digits.as_str()));
    let keyword_matches = !query.compact.is_empty() && letters_and_digits(&node.keyword).contains(&query.compact);
    tag_matches || keyword_matches || value_text(&node.value).contains(&query.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(tag: (u16, u16), keyword: &str, value: &str) -> TagNode {
        TagNode { tag, keyword: keyword.into(), vr: "LO".into(), value: value.into(), items: Vec::new() }
    }

    fn tree() -> Vec<TagNode> {
        let label = |text| leaf((0x0062, 0x0005), "SegmentLabel", text);
        let sequence = TagNode {
            tag: (0x0062, 0x0002),
            keyword: "SegmentSequence".into(),
            vr: "SQ".into(),
            value: "2 items".into(),
            items: vec![vec![label("Liver")], vec![label("Tumour"), leaf((0x0062, 0x0004), "SegmentNumber", "2")]],
        };
        vec![leaf((0x0010, 0x0010), "PatientName", "Doe^Jane"), sequence]
    }

    #[test]
    fn tag_forms_keyword_and_value() {
        let nodes = tree();
        for query in ["(0010,0010)", "0010,0010", "00100010", "patientname", "DOE^", " jane "] {
            let found = filter(&nodes, query);
            assert_eq!(found.len(), 1, "{query}");
            assert_eq!(found[0].tag, (0x0010, 0x0010), "{query}");
        }
        assert!(filter(&nodes, "nothing like this").is_empty());
        assert_eq!(filter(&nodes, ""), nodes);
    }

    #[test]
    fn names_with_spaces_and_tags_with_any_separator() {
        let nodes = vec![
            leaf((0x0028, 0x0030), "PixelSpacing", "0.5\\0.5"),
            leaf((0x0028, 0x0034), "PixelAspectRatio", "1\\1"),
            leaf((0x0018, 0x1164), "ImagerPixelSpacing", "0.2\\0.2"),
            leaf((0x0008, 0x103E), "SeriesDescription", "Head  with\tcontrast"),
        ];
        let tags = |query: &str| filter(&nodes, query).iter().map(|node| node.tag).collect::<Vec<_>>();
        // The PS3.6 name, typed any way: the keyword, and the value that says it.
        for query in ["pixel spacing", "Pixel Spacing", "PIXEL-SPACING", "pixel_spacing", "  pixel   spacing "] {
            assert_eq!(tags(query), [(0x0028, 0x0030), (0x0018, 0x1164)], "{query:?}");
        }
        for query in ["(0028,0030)", "0028,0030", "0028 0030", "0028-0030", "(0028, 0030)", "00280030", "0028,0030 "] {
            assert_eq!(tags(query), [(0x0028, 0x0030)], "{query:?}");
        }
        assert_eq!(tags("(0028,"), [(0x0028, 0x0030), (0x0028, 0x0034)]);
        assert_eq!(tags("aspect ratio"), [(0x0028, 0x0034)]);
        assert!(tags("spacing pixel").is_empty());
        // Values: white space typed or stored as runs counts as one space.
        assert_eq!(tags("head with  contrast"), [(0x0008, 0x103E)]);
        assert!(tags("   ").len() == nodes.len());
    }

    #[test]
    fn keeps_the_sequence_path_of_nested_matches() {
        let found = filter(&tree(), "tumour");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].keyword, "SegmentSequence");
        assert_eq!(found[0].items, vec![vec![leaf((0x0062, 0x0005), "SegmentLabel", "Tumour")]]);
        // A matching sequence keeps all of its items.
        assert_eq!(filter(&tree(), "(0062,0002)")[0].items.len(), 2);
    }
}
