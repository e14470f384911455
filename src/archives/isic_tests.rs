//! ISIC v2 pages in the shapes of ImageOut / CollectionOut / CursorPagination.Output, with the
//! new hierarchical and the legacy diagnosis fields, a null count, and a foreign next link.

use super::*;

const BASE: &str = "https://api.isic-archive.com/api/v2";

const PAGE: &str = r#"{"count": 2, "previous": null,
  "next": "https://api.isic-archive.com/api/v2/images/search/?cursor=cD0yMDIy&limit=2&query=diagnosis_3%3AMelanoma%2A",
  "results": [
    {"isic_id": "ISIC_0000001", "public": true, "copyright_license": "CC-0",
     "attribution": "Anonymous",
     "files": {"full": {"url": "https://content.isic-archive.com/a.jpg", "size": 1000},
               "thumbnail_256": {"url": "https://content.isic-archive.com/a_thumb.jpg", "size": 10}},
     "metadata": {"acquisition": {"pixels_x": 1022, "pixels_y": 767, "image_type": "dermoscopic"},
                  "clinical": {"age_approx": 55, "sex": "female", "anatom_site_general": "posterior torso",
                               "diagnosis_1": "Malignant", "diagnosis_2": "Malignant melanocytic proliferations (Melanoma)",
                               "diagnosis_3": "Melanoma Invasive", "melanocytic": true}}},
    {"isic_id": "ISIC_0000002", "copyright_license": "CC-BY-NC", "attribution": "ViDIR Group",
     "files": {"full": {"url": "https://x/b.jpg"}},
     "metadata": {"clinical": {"diagnosis": "nevus", "benign_malignant": "benign", "age_approx": "40"}}},
    {"public": true}
  ]}"#;

#[test]
fn urls() {
    assert_eq!(
        image_search_url(&format!("{BASE}/"), "diagnosis_3:\"Melanoma Invasive\"", &[], 24),
        format!("{BASE}/images/search/?query=diagnosis_3%3A%22Melanoma%20Invasive%22&limit=24")
    );
    assert_eq!(
        image_search_url(BASE, " ", &[249, 66], 500),
        format!("{BASE}/images/search/?collections=249,66&limit=100")
    );
    assert_eq!(image_search_url(BASE, "sex:male", &[], 0), format!("{BASE}/images/search/?query=sex%3Amale&limit=1"));
    assert_eq!(collections_url(BASE, 50), format!("{BASE}/collections/?limit=50"));
    assert_eq!(image_url(BASE, "ISIC_0024306").unwrap(), format!("{BASE}/images/ISIC_0024306/"));
    for bad in ["ISIC_123", "ISIC_00243060", "isic_0024306", "ISIC_00243x6", "../ISIC_0024306"] {
        assert!(matches!(image_url(BASE, bad), Err(IsicError::InvalidId(_))), "{bad}");
    }
    assert_eq!(age_text(Lang::En, Some(55)), "about 55");
    assert_eq!(age_text(Lang::De, Some(55)), "etwa 55");
    assert_eq!(age_text(Lang::En, None), "");
}

#[test]
fn image_pages_read_new_and_legacy_metadata() {
    let page = parse_image_page(PAGE.as_bytes(), BASE).unwrap();
    assert_eq!(page.count, Some(2));
    assert!(page.next.as_deref().unwrap().contains("cursor=cD0yMDIy"));
    assert_eq!(page.images.len(), 2, "the result without isic_id is skipped");
    let first = &page.images[0];
    assert_eq!(first.diagnosis.len(), 3);
    assert_eq!(first.diagnosis_text(), "Melanoma Invasive");
    assert_eq!(
        (first.age_approx, first.sex.as_str(), first.anatomic_site.as_str()),
        (Some(55), "female", "posterior torso")
    );
    assert_eq!((first.columns, first.rows), (Some(1022), Some(767)));
    assert_eq!(first.thumbnail_url, "https://content.isic-archive.com/a_thumb.jpg");
    assert_eq!(first.copyright_license, "CC-0");
    let second = &page.images[1];
    assert_eq!((second.diagnosis_text(), second.benign_malignant.as_str()), ("nevus", "benign"));
    assert_eq!((second.age_approx, second.thumbnail_url.as_str(), second.rows), (Some(40), "", None));
}

#[test]
fn later_pages_foreign_links_and_bad_bodies() {
    let last = parse_image_page(
        br#"{"count": null, "next": null, "previous": "https://api.isic-archive.com/api/v2/x", "results": []}"#,
        BASE,
    )
    .unwrap();
    assert_eq!((last.count, last.next, last.images.len()), (None, None, 0));
    let foreign = br#"{"count": 1, "next": "https://evil.example/api/v2/images/?cursor=x", "results": []}"#;
    assert!(matches!(parse_image_page(foreign, BASE), Err(IsicError::ForeignNextLink(_))));
    let relative = br#"{"next": "/api/v2/images/?cursor=x", "results": []}"#;
    assert!(matches!(parse_image_page(relative, BASE), Err(IsicError::ForeignNextLink(_))));
    assert!(matches!(parse_image_page(b"{\"detail\": \"Not found.\"}", BASE), Err(IsicError::Shape(_))));
    assert!(matches!(parse_image_page(b"<html>", BASE), Err(IsicError::Json(_))));
    assert!(matches!(parse_image(b"{\"detail\": \"Not found.\"}"), Err(IsicError::Shape(_))));
    let single = r#"{"isic_id": "ISIC_0000009", "metadata": {"clinical": {"diagnosis_1": "Benign"}}}"#;
    assert_eq!(parse_image(single.as_bytes()).unwrap().diagnosis, ["Benign"]);
}

#[test]
fn collections() {
    let body = br#"{"count": 3, "next": null, "previous": null, "results": [
        {"id": 249, "name": "BCN20000", "description": "", "public": true, "pinned": true, "locked": true, "doi": "x", "doi_url": "y"},
        {"id": 66, "name": "HAM10000", "public": false, "image_count": 10015},
        {"name": "no id"}]}"#;
    let page = parse_collections(body, BASE).unwrap();
    assert_eq!(page.count, Some(3));
    assert_eq!(page.collections.len(), 2);
    assert_eq!(
        page.collections[0],
        IsicCollection { id: 249, name: "BCN20000".into(), public: true, image_count: None }
    );
    assert_eq!(page.collections[1].image_count, Some(10015));
}

#[test]
fn benign_or_malignant_from_the_hierarchy_or_the_legacy_field() {
    let image = |levels: &[&str], legacy: &str| IsicImage {
        diagnosis: levels.iter().map(|s| s.to_string()).collect(),
        benign_malignant: legacy.to_string(),
        ..IsicImage::default()
    };
    assert_eq!(
        image(&["Malignant", "Malignant melanocytic proliferations (Melanoma)", "Melanoma Invasive"], "")
            .benign_or_malignant(),
        "malignant"
    );
    assert_eq!(image(&["Benign", "Benign melanocytic proliferations", "Nevus"], "").benign_or_malignant(), "benign");
    assert_eq!(image(&["melanoma"], "malignant").benign_or_malignant(), "malignant");
    // A single legacy diagnosis is not the benign/malignant level.
    assert_eq!(image(&["Benign keratosis"], "").benign_or_malignant(), "");
}

#[test]
fn an_unreadable_image_host_falls_back_to_a_plain_photo() {
    use crate::dicomweb::failure::FetchFailure;
    assert!(shows_as_plain_photo(&FetchFailure::Network));
    assert!(!shows_as_plain_photo(&FetchFailure::Status { code: 404, retry_after_seconds: None }));
    assert!(!shows_as_plain_photo(&FetchFailure::Aborted));
    let image = IsicImage {
        isic_id: "ISIC_0000001".into(),
        full_url: "https://content.isic-archive.com/abc/ISIC_0000001.jpg?sig=x".into(),
        ..IsicImage::default()
    };
    let note = plain_photo_note(Lang::En, &image);
    assert!(
        note.contains("ISIC_0000001") && note.contains("https://content.isic-archive.com") && note.contains("tools")
    );
    assert!(!note.contains("sig="), "{note}");
    let note = plain_photo_note(Lang::Es, &image);
    assert!(
        note.contains("ISIC_0000001") && note.contains("https://content.isic-archive.com") && note.contains("visor"),
        "{note}"
    );
}
