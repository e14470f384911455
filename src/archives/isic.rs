//! The ISIC Archive API v2 (`https://api.isic-archive.com/api/v2/`, docs at
//! https://api.isic-archive.com/api/docs; server source ImageMarkup/isic, isic/core/api/).
//! `GET images/search/?query=…&collections=…&limit=N`, `GET images/{isic_id}/`,
//! `GET collections/?limit=N`. Lists are cursor-paged (isic/core/pagination.py):
//! `{count, next, previous, results}`, `count` only on the first page (null after), `limit`
//! at most 100, and `next` a full URL carrying the cursor, followed as given.
//!
//! The query is the archive's small search language (swagger_image_search_description.html),
//! e.g. `diagnosis_3:"Melanoma Invasive"`, `diagnosis_3:Melanoma*`,
//! `age_approx:[20 TO 40] AND sex:male`. An image (ImageOut) has `isic_id`,
//! `copyright_license`, `attribution`, `files.full.url`, `files.thumbnail_256.url` and
//! `metadata.{acquisition,clinical}`. Since the hierarchical diagnosis (isic-metadata),
//! `clinical` holds `diagnosis_1`…`diagnosis_5` (coarse → fine); older records have
//! `diagnosis` and `benign_malignant`. Both are read. `age_approx` is the age rounded to 5 years.

use std::fmt;

use serde_json::Value;

use super::json::{count, text};
use super::{same_origin, MAX_BODY_BYTES};
use crate::dicomweb::failure::FetchFailure;
use crate::dicomweb::uri::percent_encode;
use crate::i18n::{self, Lang};

/// The public API root.
pub const ISIC_BASE: &str = "https://api.isic-archive.com/api/v2";
/// The server's largest page (CursorPagination.max_page_size).
pub const MAX_PAGE_SIZE: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IsicError {
    /// The body is not JSON (serde_json's message).
    Json(String),
    /// JSON of another shape (what was wrong).
    Shape(String),
    /// The body is larger than [`MAX_BODY_BYTES`].
    TooLarge(usize),
    /// A `next` link to another origin than the API's.
    ForeignNextLink(String),
    /// Not an ISIC id (`ISIC_` and seven digits).
    InvalidId(String),
}

impl fmt::Display for IsicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IsicError::Json(reason) => write!(f, "the ISIC Archive response is not JSON ({reason}); try again later"),
            IsicError::Shape(reason) => write!(f, "the ISIC Archive response is not as documented: {reason}"),
            IsicError::TooLarge(length) => {
                write!(
                    f,
                    "the ISIC Archive response is {length} bytes, more than the viewer reads; ask for fewer images"
                )
            }
            IsicError::ForeignNextLink(url) => {
                write!(f, "the ISIC Archive's next-page link '{url}' leads to another site; it is not followed")
            }
            IsicError::InvalidId(id) => write!(f, "'{id}' is not an ISIC image id: it looks like ISIC_0000000"),
        }
    }
}

impl std::error::Error for IsicError {}

/// One image of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IsicImage {
    pub isic_id: String,
    /// E.g. "CC-BY", "CC-BY-NC", "CC-0".
    pub copyright_license: String,
    pub attribution: String,
    pub full_url: String,
    pub thumbnail_url: String,
    /// `diagnosis_1`…`diagnosis_5` present, coarse to fine; else the single legacy `diagnosis`.
    pub diagnosis: Vec<String>,
    /// Legacy `benign_malignant` (older records), else empty.
    pub benign_malignant: String,
    pub anatomic_site: String,
    pub age_approx: Option<u32>,
    pub sex: String,
    /// `acquisition.pixels_x`, `pixels_y`.
    pub columns: Option<u32>,
    pub rows: Option<u32>,
}

impl IsicImage {
    /// The most specific diagnosis (last level), or empty.
    pub fn diagnosis_text(&self) -> &str {
        self.diagnosis.last().map(String::as_str).unwrap_or_default()
    }

    /// "benign" / "malignant" / "indeterminate": the legacy field, else the first level of the
    /// diagnosis hierarchy (whose top level is exactly that split), else empty.
    pub fn benign_or_malignant(&self) -> String {
        if !self.benign_malignant.is_empty() {
            return self.benign_malignant.to_lowercase();
        }
        match self.diagnosis.first().map(|d| d.to_ascii_lowercase()) {
            Some(first) if self.diagnosis.len() > 1 && first.starts_with("benign") => "benign".into(),
            Some(first) if self.diagnosis.len() > 1 && first.starts_with("malignant") => "malignant".into(),
            Some(first) if self.diagnosis.len() > 1 && first.starts_with("indeterminate") => "indeterminate".into(),
            _ => String::new(),
        }
    }
}

/// Whether a failed download of an image's full-size file should fall back to showing it as a
/// plain `<img>`: the files live on another host (object storage) than the API, and when that
/// host sends no CORS header `fetch` rejects with an opaque network error although an `<img>`
/// may still display the photo. Other failures (HTTP statuses, a cancelled request) do not.
pub fn shows_as_plain_photo(failure: &FetchFailure) -> bool {
    matches!(failure, FetchFailure::Network | FetchFailure::NetworkAfterAnswers)
}

/// The note beside a photo shown as a plain image, in `lang` (text `archives.isic.plain_photo`).
pub fn plain_photo_note(lang: Lang, image: &IsicImage) -> String {
    let host = crate::dicomweb::uri::origin_of(&image.full_url);
    i18n::fill(i18n::text(lang, "archives.isic.plain_photo"), &[("id", &image.isic_id), ("host", &host)])
}

/// One page of images.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IsicPage {
    /// Matches across all pages; only the first page says.
    pub count: Option<u64>,
    /// The next page's URL, checked to be on the API's origin.
    pub next: Option<String>,
    pub images: Vec<IsicImage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IsicCollection {
    pub id: u64,
    pub name: String,
    pub public: bool,
    /// Only when the server includes a count.
    pub image_count: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IsicCollectionPage {
    pub count: Option<u64>,
    pub next: Option<String>,
    pub collections: Vec<IsicCollection>,
}

fn root(base: &str) -> &str {
    base.trim().trim_end_matches('/')
}

/// `{base}/images/search/?query=…[&collections=1,2]&limit=N` (limit clamped to 1–100; an empty
/// query lists all images).
pub fn image_search_url(base: &str, query: &str, collections: &[u64], limit: u32) -> String {
    let mut url = format!("{}/images/search/?", root(base));
    if !query.trim().is_empty() {
        url.push_str(&format!("query={}&", percent_encode(query.trim())));
    }
    if !collections.is_empty() {
        let ids: Vec<String> = collections.iter().map(u64::to_string).collect();
        url.push_str(&format!("collections={}&", ids.join(",")));
    }
    url.push_str(&format!("limit={}", limit.clamp(1, MAX_PAGE_SIZE)));
    url
}

/// `{base}/collections/?limit=N`.
pub fn collections_url(base: &str, limit: u32) -> String {
    format!("{}/collections/?limit={}", root(base), limit.clamp(1, MAX_PAGE_SIZE))
}

/// `{base}/images/{isic_id}/` for an id of the form `ISIC_` + 7 digits (ISIC_ID_REGEX).
pub fn image_url(base: &str, isic_id: &str) -> Result<String, IsicError> {
    let id = isic_id.trim();
    let digits = id.strip_prefix("ISIC_").unwrap_or_default();
    if digits.len() != 7 || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(IsicError::InvalidId(isic_id.to_string()));
    }
    Ok(format!("{}/images/{id}/", root(base)))
}

/// "about 55" for an `age_approx` (already rounded to 5 years by the archive); empty if unknown.
pub fn age_text(lang: Lang, age_approx: Option<u32>) -> String {
    age_approx
        .map(|age| i18n::fill(i18n::text(lang, "archives.isic.age"), &[("age", &age.to_string())]))
        .unwrap_or_default()
}

fn parse_json(body: &[u8]) -> Result<Value, IsicError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(IsicError::TooLarge(body.len()));
    }
    serde_json::from_slice(body).map_err(|error| IsicError::Json(error.to_string()))
}

/// `count`, checked `next`, and `results` of a cursor page.
type CursorPage<'a> = (Option<u64>, Option<String>, &'a [Value]);

fn page<'a>(value: &'a Value, base: &str) -> Result<CursorPage<'a>, IsicError> {
    let results =
        value.get("results").and_then(Value::as_array).ok_or_else(|| IsicError::Shape("no results list".into()))?;
    let next = Some(text(value, &["next"])).filter(|next| !next.is_empty());
    if let Some(next) = &next {
        if !same_origin(base, next) {
            return Err(IsicError::ForeignNextLink(next.clone()));
        }
    }
    Ok((count(value, &["count"]), next, results))
}

/// A page of `images/search/` (or `images/`); `base` is the API root the request went to.
pub fn parse_image_page(body: &[u8], base: &str) -> Result<IsicPage, IsicError> {
    let value = parse_json(body)?;
    let (count, next, results) = page(&value, base)?;
    Ok(IsicPage { count, next, images: results.iter().filter_map(image_of).collect() })
}

/// One image (`images/{isic_id}/`).
pub fn parse_image(body: &[u8]) -> Result<IsicImage, IsicError> {
    image_of(&parse_json(body)?).ok_or_else(|| IsicError::Shape("the image has no isic_id".into()))
}

/// A page of `collections/`.
pub fn parse_collections(body: &[u8], base: &str) -> Result<IsicCollectionPage, IsicError> {
    let value = parse_json(body)?;
    let (count_all, next, results) = page(&value, base)?;
    let collections = results
        .iter()
        .filter_map(|item| {
            Some(IsicCollection {
                id: count(item, &["id"])?,
                name: text(item, &["name"]),
                public: item.get("public").and_then(Value::as_bool).unwrap_or(false),
                image_count: count(item, &["image_count"]),
            })
        })
        .collect();
    Ok(IsicCollectionPage { count: count_all, next, collections })
}

fn image_of(item: &Value) -> Option<IsicImage> {
    let isic_id = text(item, &["isic_id"]);
    if isic_id.is_empty() {
        return None;
    }
    let clinical = |name: &str| text(item, &["metadata", "clinical", name]);
    let mut diagnosis: Vec<String> =
        (1..=5).map(|level| clinical(&format!("diagnosis_{level}"))).filter(|d| !d.is_empty()).collect();
    if diagnosis.is_empty() {
        diagnosis.extend(Some(clinical("diagnosis")).filter(|d| !d.is_empty()));
    }
    Some(IsicImage {
        copyright_license: text(item, &["copyright_license"]),
        attribution: text(item, &["attribution"]),
        full_url: text(item, &["files", "full", "url"]),
        thumbnail_url: text(item, &["files", "thumbnail_256", "url"]),
        diagnosis,
        benign_malignant: clinical("benign_malignant"),
        anatomic_site: clinical("anatom_site_general"),
        age_approx: count(item, &["metadata", "clinical", "age_approx"]),
        sex: clinical("sex"),
        columns: count(item, &["metadata", "acquisition", "pixels_x"]),
        rows: count(item, &["metadata", "acquisition", "pixels_y"]),
        isic_id,
    })
}

#[cfg(test)]
#[path = "isic_tests.rs"]
mod tests;
