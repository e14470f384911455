//! DICOMweb data sources: where QIDO-RS (PS3.18 10.6) and WADO-RS (PS3.18 10.4) requests go,
//! which optional server features may be used, and how requests are authenticated.
//!
//! A [`DataSource`] holds no secret by construction: API keys and bearer tokens live only in the
//! browser layer's memory/session storage and are attached as headers, never in a URL. The
//! config.json reader and writer are in [`super::config`].

use std::fmt;

pub use super::config::{parse_config, sources_from_json, sources_to_json};
use super::uri::{is_secret_param_name, percent_decode};

/// How requests to a source are authenticated. The secret itself is never stored here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// No credentials are sent.
    None,
    /// The key is sent in the named header (default `apikey`, as Orthanc/Kong-style gateways expect).
    ApiKey { header: String },
    /// `Authorization: Bearer <token>` (RFC 6750).
    Bearer,
}

/// Where series thumbnails come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThumbnailKind {
    /// The server's `/rendered` resource (PS3.18 10.4.1.1.3).
    Rendered,
    /// The server's `/thumbnail` resource (PS3.18 10.4.1.1.4).
    Thumbnail,
    /// The middle frame is fetched with WADO-RS and decoded here (OHIF's `wadors`).
    DecodeFrame,
}

/// Optional server capabilities, named after OHIF's data-source configuration keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceFlags {
    /// QIDO `includefield=` is honoured (PS3.18 8.3.4.3).
    pub qido_supports_include_field: bool,
    /// `*`/`?` wildcard matching (PS3.4 C.2.2.2.4) is supported.
    pub supports_wildcard: bool,
    /// `fuzzymatching=true` (PS3.18 8.3.4.2) is supported.
    pub supports_fuzzy_matching: bool,
    /// BulkDataURIs in metadata may be fetched (PS3.18 F.2.6).
    pub bulk_data_uri_enabled: bool,
    /// Send `type=application/octet-stream` without quotes (some servers reject the quotes).
    pub omit_quotation_for_multipart_request: bool,
}

impl SourceFlags {
    /// OHIF's behaviour when the keys are absent: every flag is read as a plain truthiness test,
    /// so a missing flag is `false`, except `bulkDataURI`, which OHIF's DicomWebDataSource sets to
    /// `{ enabled: true }` when absent (`dicomWebConfig.bulkDataURI ||= { enabled: true }`,
    /// extensions/default/src/DicomWebDataSource/index.ts).
    pub const OHIF_DEFAULTS: SourceFlags = SourceFlags {
        qido_supports_include_field: false,
        supports_wildcard: false,
        supports_fuzzy_matching: false,
        bulk_data_uri_enabled: true,
        omit_quotation_for_multipart_request: false,
    };
}

/// One DICOMweb server as the user or config.json describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSource {
    /// Identifier used in URLs (`?datasource=`); OHIF's `sourceName`.
    pub name: String,
    /// Label shown to the user.
    pub friendly_name: String,
    /// QIDO-RS base URL, without a trailing slash.
    pub qido_root: String,
    /// WADO-RS base URL, without a trailing slash.
    pub wado_root: String,
    pub auth: AuthKind,
    pub flags: SourceFlags,
    pub thumbnails: ThumbnailKind,
    /// Free text for the source picker (e.g. what data the server holds, its terms of use).
    pub description: String,
}

/// The configuration read from config.json.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppConfig {
    pub sources: Vec<DataSource>,
    /// `defaultDataSourceName`, checked to name one of `sources`.
    pub default_source: Option<String>,
}

/// Why a configuration or a data source was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The text is not JSON.
    Json { message: String },
    /// A key has the wrong JSON type or an unknown value.
    WrongType { source: String, key: String, expected: String },
    /// A required key is missing.
    MissingKey { source: String, key: String },
    /// The name is empty or has characters that cannot go in a URL parameter.
    InvalidName { name: String },
    /// Two sources share a name.
    DuplicateName { name: String },
    /// A root is not an absolute http(s) URL.
    InvalidRoot { source: String, key: String, value: String },
    /// A root carries credentials (user:pass@ or a secret query parameter).
    SecretInUrl { source: String, key: String },
    /// `defaultDataSourceName` names no configured source.
    UnknownDefault { name: String },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Json { message } => {
                write!(f, "the configuration is not valid JSON ({message}): fix the syntax")
            }
            ConfigError::WrongType { source, key, expected } => {
                write!(f, "data source '{source}': '{key}' must be {expected}")
            }
            ConfigError::MissingKey { source, key } => write!(f, "data source '{source}': '{key}' is missing; add it"),
            ConfigError::InvalidName { name } => {
                write!(f, "data source name '{name}' is not usable: use 1-64 letters, digits, '-', '_' or '.'")
            }
            ConfigError::DuplicateName { name } => {
                write!(f, "two data sources are named '{name}': give each a different name")
            }
            ConfigError::InvalidRoot { source, key, value } => {
                write!(f, "data source '{source}': '{key}' ({value}) must be an absolute http:// or https:// address")
            }
            ConfigError::SecretInUrl { source, key } => write!(
                f,
                "data source '{source}': '{key}' contains credentials; remove them from the address: secrets go in \
                 the data source's key field and are sent as a header, never in a URL"
            ),
            ConfigError::UnknownDefault { name } => {
                write!(f, "defaultDataSourceName '{name}' names no configured data source: use one of their names")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl DataSource {
    /// Checks the name and both roots: http(s), a host, no `user:pass@`, no secret-carrying query
    /// parameter (apikey=, token=, …).
    pub fn validate(&self) -> Result<(), ConfigError> {
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self.name.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'));
        if !name_ok {
            return Err(ConfigError::InvalidName { name: self.name.clone() });
        }
        check_root(&self.name, "qidoRoot", &self.qido_root)?;
        check_root(&self.name, "wadoRoot", &self.wado_root)?;
        if let AuthKind::ApiKey { header } = &self.auth {
            let token = !header.is_empty()
                && header.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte));
            if !token {
                return Err(ConfigError::WrongType {
                    source: self.name.clone(),
                    key: "apiKeyHeader".to_string(),
                    expected: "an HTTP header name (letters, digits, '-')".to_string(),
                });
            }
        }
        Ok(())
    }
}

fn check_root(source: &str, key: &str, root: &str) -> Result<(), ConfigError> {
    let invalid =
        || ConfigError::InvalidRoot { source: source.to_string(), key: key.to_string(), value: root.to_string() };
    let secret = || ConfigError::SecretInUrl { source: source.to_string(), key: key.to_string() };
    let lower = root.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")).ok_or_else(invalid)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(secret());
    }
    if authority.is_empty() || authority.starts_with(':') || root.chars().any(char::is_whitespace) {
        return Err(invalid());
    }
    let query = rest.split_once('?').map(|(_, query)| query.split('#').next().unwrap_or_default());
    let has_secret = query
        .unwrap_or_default()
        .split('&')
        .any(|pair| is_secret_param_name(&percent_decode(pair.split('=').next().unwrap_or_default())));
    if has_secret {
        return Err(secret());
    }
    Ok(())
}
