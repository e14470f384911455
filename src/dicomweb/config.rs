//! Reading and writing data sources in OHIF's app-config shape, so OHIF `dataSources` entries can
//! be pasted into public/config.json (https://docs.ohif.org/configuration/dataSources/dicom-web):
//!
//! ```json
//! {"defaultDataSourceName": "orthanc",
//!  "dataSources": [{"sourceName": "orthanc", "namespace": "@ohif/extension-default.dataSourcesModule.dicomweb",
//!    "configuration": {"friendlyName": "Local Orthanc", "qidoRoot": "http://localhost:8042/dicom-web",
//!      "wadoRoot": "http://localhost:8042/dicom-web", "qidoSupportsIncludeField": false,
//!      "supportsWildcard": true, "thumbnailRendering": "wadors", "auth": "none"}}]}
//! ```
//!
//! `namespace`, `wadoUriRoot` and other OHIF keys are ignored; `auth`, `apiKeyHeader` and
//! `description` are this viewer's extensions. Missing flags take OHIF's defaults
//! ([`SourceFlags::OHIF_DEFAULTS`]). The same shape (the `dataSources` array alone) is what
//! [`sources_to_json`] writes for localStorage.

use serde_json::{json, Map, Value};

use super::source::{AppConfig, AuthKind, ConfigError, DataSource, SourceFlags, ThumbnailKind};

/// Parses config.json: `defaultDataSourceName` and the `dataSources` array.
pub fn parse_config(text: &str) -> Result<AppConfig, ConfigError> {
    let root = parse_json(text)?;
    let object = root.as_object().ok_or_else(|| wrong("(config)", "(top level)", "a JSON object"))?;
    let sources = match object.get("dataSources") {
        None | Some(Value::Null) => Vec::new(),
        Some(value) => parse_sources(value)?,
    };
    let default_source = match object.get("defaultDataSourceName") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) if sources.iter().any(|source| &source.name == name) => Some(name.clone()),
        Some(Value::String(name)) => return Err(ConfigError::UnknownDefault { name: name.clone() }),
        Some(_) => return Err(wrong("(config)", "defaultDataSourceName", "a string")),
    };
    Ok(AppConfig { sources, default_source })
}

/// Writes sources as a JSON array of OHIF-style entries (no secrets: a [`DataSource`] has none).
pub fn sources_to_json(sources: &[DataSource]) -> String {
    let entries: Vec<Value> = sources.iter().map(source_to_value).collect();
    Value::Array(entries).to_string()
}

/// Reads what [`sources_to_json`] wrote (or a pasted OHIF `dataSources` array).
pub fn sources_from_json(text: &str) -> Result<Vec<DataSource>, ConfigError> {
    parse_sources(&parse_json(text)?)
}

fn parse_json(text: &str) -> Result<Value, ConfigError> {
    serde_json::from_str(text).map_err(|error| ConfigError::Json { message: error.to_string() })
}

fn wrong(source: &str, key: &str, expected: &str) -> ConfigError {
    ConfigError::WrongType { source: source.to_string(), key: key.to_string(), expected: expected.to_string() }
}

fn parse_sources(value: &Value) -> Result<Vec<DataSource>, ConfigError> {
    let entries = value.as_array().ok_or_else(|| wrong("(config)", "dataSources", "an array"))?;
    let mut sources: Vec<DataSource> = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let source = parse_source(entry, index)?;
        if sources.iter().any(|existing| existing.name == source.name) {
            return Err(ConfigError::DuplicateName { name: source.name });
        }
        sources.push(source);
    }
    Ok(sources)
}

fn parse_source(entry: &Value, index: usize) -> Result<DataSource, ConfigError> {
    let label = format!("#{}", index + 1);
    let outer = entry.as_object().ok_or_else(|| wrong(&label, "(entry)", "a JSON object"))?;
    let configuration = match outer.get("configuration") {
        Some(Value::Object(configuration)) => configuration,
        Some(_) => return Err(wrong(&label, "configuration", "a JSON object")),
        None => return Err(ConfigError::MissingKey { source: label, key: "configuration".to_string() }),
    };
    // OHIF addresses sources by `sourceName`; `configuration.name` is a fallback for bare entries.
    let name = match optional_string(outer, "sourceName", &label)? {
        Some(name) => name,
        None => optional_string(configuration, "name", &label)?
            .ok_or_else(|| ConfigError::MissingKey { source: label.clone(), key: "sourceName".to_string() })?,
    };
    let required_root = |key: &str| -> Result<String, ConfigError> {
        let root = optional_string(configuration, key, &name)?
            .ok_or_else(|| ConfigError::MissingKey { source: name.clone(), key: key.to_string() })?;
        Ok(root.trim().trim_end_matches('/').to_string())
    };
    let qido_root = required_root("qidoRoot")?;
    let wado_root = required_root("wadoRoot")?;
    // OHIF's own samples put friendlyName either in `configuration` or beside it.
    let friendly_name = match optional_string(configuration, "friendlyName", &name)? {
        Some(friendly) => friendly,
        None => optional_string(outer, "friendlyName", &name)?.unwrap_or_else(|| name.clone()),
    };
    let defaults = SourceFlags::OHIF_DEFAULTS;
    let bulk_data_uri_enabled = match configuration.get("bulkDataURI") {
        None | Some(Value::Null) => defaults.bulk_data_uri_enabled,
        Some(Value::Object(bulk)) => optional_bool(bulk, "enabled", &name)?.unwrap_or(defaults.bulk_data_uri_enabled),
        Some(_) => return Err(wrong(&name, "bulkDataURI", "an object such as {\"enabled\": true}")),
    };
    let flag =
        |key: &str, default: bool| optional_bool(configuration, key, &name).map(|value| value.unwrap_or(default));
    let flags = SourceFlags {
        qido_supports_include_field: flag("qidoSupportsIncludeField", defaults.qido_supports_include_field)?,
        supports_wildcard: flag("supportsWildcard", defaults.supports_wildcard)?,
        supports_fuzzy_matching: flag("supportsFuzzyMatching", defaults.supports_fuzzy_matching)?,
        bulk_data_uri_enabled,
        omit_quotation_for_multipart_request: flag(
            "omitQuotationForMultipartRequest",
            defaults.omit_quotation_for_multipart_request,
        )?,
    };
    let thumbnails = match optional_string(configuration, "thumbnailRendering", &name)?.as_deref() {
        None | Some("wadors") => ThumbnailKind::DecodeFrame,
        Some("rendered") => ThumbnailKind::Rendered,
        Some("thumbnail") | Some("thumbnailDirect") => ThumbnailKind::Thumbnail,
        Some(_) => return Err(wrong(&name, "thumbnailRendering", "\"rendered\", \"thumbnail\" or \"wadors\"")),
    };
    let header = optional_string(configuration, "apiKeyHeader", &name)?.unwrap_or_else(|| "apikey".to_string());
    let auth = match optional_string(configuration, "auth", &name)?.as_deref() {
        None | Some("none") => AuthKind::None,
        Some("apikey") => AuthKind::ApiKey { header },
        Some("bearer") => AuthKind::Bearer,
        Some(_) => return Err(wrong(&name, "auth", "\"none\", \"apikey\" or \"bearer\"")),
    };
    let description = optional_string(configuration, "description", &name)?.unwrap_or_default();
    let source = DataSource { name, friendly_name, qido_root, wado_root, auth, flags, thumbnails, description };
    source.validate()?;
    Ok(source)
}

fn optional_string(object: &Map<String, Value>, key: &str, source: &str) -> Result<Option<String>, ConfigError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(wrong(source, key, "a string")),
    }
}

fn optional_bool(object: &Map<String, Value>, key: &str, source: &str) -> Result<Option<bool>, ConfigError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(*flag)),
        Some(_) => Err(wrong(source, key, "true or false")),
    }
}

fn source_to_value(source: &DataSource) -> Value {
    let thumbnail = match source.thumbnails {
        ThumbnailKind::Rendered => "rendered",
        ThumbnailKind::Thumbnail => "thumbnail",
        ThumbnailKind::DecodeFrame => "wadors",
    };
    let (auth, header) = match &source.auth {
        AuthKind::None => ("none", "apikey"),
        AuthKind::ApiKey { header } => ("apikey", header.as_str()),
        AuthKind::Bearer => ("bearer", "apikey"),
    };
    json!({
        "sourceName": source.name,
        "namespace": "@ohif/extension-default.dataSourcesModule.dicomweb",
        "configuration": {
            "name": source.name,
            "friendlyName": source.friendly_name,
            "qidoRoot": source.qido_root,
            "wadoRoot": source.wado_root,
            "qidoSupportsIncludeField": source.flags.qido_supports_include_field,
            "supportsWildcard": source.flags.supports_wildcard,
            "supportsFuzzyMatching": source.flags.supports_fuzzy_matching,
            "omitQuotationForMultipartRequest": source.flags.omit_quotation_for_multipart_request,
            "bulkDataURI": { "enabled": source.flags.bulk_data_uri_enabled },
            "thumbnailRendering": thumbnail,
            "auth": auth,
            "apiKeyHeader": header,
            "description": source.description,
        }
    })
}
