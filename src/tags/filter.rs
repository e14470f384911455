//! Searching the tag tree: a node matches when its tag (written "(0010,0010)", "0010,0010" or
//! "00100010"), keyword or value contains the query, ignoring case. Sequences on the way to a
//! match are kept with only the items that lead to it; a matching sequence keeps all its items.

use super::TagNode;

/// The nodes that match `query`, with the sequences that contain matches. An empty (or
/// blank) query keeps everything.
pub fn filter(nodes: &[TagNode], query: &str) -> Vec<TagNode> {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return nodes.to_vec();
    }
    filter_lowercase(nodes, &query)
}

fn filter_lowercase(nodes: &[TagNode], query: &str) -> Vec<TagNode> {
    nodes
        .iter()
        .filter_map(|node| {
            if matches(node, query) {
                return Some(node.clone());
            }
            let items: Vec<Vec<TagNode>> =
                node.items.iter().map(|item| filter_lowercase(item, query)).filter(|item| !item.is_empty()).collect();
            (!items.is_empty()).then(|| TagNode { items, ..node.clone() })
        })
        .collect()
}

fn matches(node: &TagNode, query: &str) -> bool {
    let (group, element) = node.tag;
    let tag = format!("({group:04x},{element:04x})");
    let compact = format!("{group:04x}{element:04x}");
    tag.contains(query)
        || compact.contains(query)
        || node.keyword.to_lowercase().contains(query)
        || node.value.to_lowercase().contains(query)
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
    fn keeps_the_sequence_path_of_nested_matches() {
        let found = filter(&tree(), "tumour");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].keyword, "SegmentSequence");
        assert_eq!(found[0].items, vec![vec![leaf((0x0062, 0x0005), "SegmentLabel", "Tumour")]]);
        // A matching sequence keeps all of its items.
        assert_eq!(filter(&tree(), "(0062,0002)")[0].items.len(), 2);
    }
}
