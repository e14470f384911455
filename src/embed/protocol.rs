//! The commands a host page sends (`window.postMessage`) and the viewer's responses.
//!
//! ```json
//! { "type": "dicom-viewer:command", "id": 7, "command": "openSeries",
//!   "params": { "dataSource": "orthanc", "studyInstanceUID": "1.2.3", "seriesInstanceUID": "1.2.3.4" } }
//! ```
//! is answered `{ "type": "dicom-viewer:response", "id": 7, "command": "openSeries", "ok": true }`
//! or `{ …, "ok": false, "error": "…" }`. Parameter names are matched without regard to case
//! (`StudyInstanceUID` works as well as `studyInstanceUID`). Anything that is not a JSON object
//! whose `type` is `dicom-viewer:command` is not ours and gets no answer.

use std::fmt;

use serde_json::{json, Map, Value};

use crate::dicomweb::source::{AuthKind, ConfigError, DataSource, SourceFlags, ThumbnailKind};

pub const COMMAND_TYPE: &str = "dicom-viewer:command";
pub const RESPONSE_TYPE: &str = "dicom-viewer:response";
pub const EVENT_TYPE: &str = "dicom-viewer:event";
/// Bumped when a command or event changes incompatibly (sent in `ready`).
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest message (as JSON text) looked at.
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;
/// Most URLs one `openUrls` takes.
pub const MAX_URLS: usize = 5000;
pub const MAX_URL_LEN: usize = 4096;
/// Most series one `openStudy` names.
pub const MAX_SERIES: usize = 1000;
/// Longest `id` string echoed back.
pub const MAX_ID_LEN: usize = 128;
/// Viewports of the largest layout (2×2).
pub const VIEWPORTS: usize = 4;

/// Every command name, as sent in `command`.
pub const COMMANDS: [&str; 8] =
    ["openUrls", "openStudy", "openSeries", "setTool", "setWindow", "setLayout", "setSlice", "reset"];

/// The pointer tools a host may select (`setTool`), by their names in the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolName {
    WindowLevel,
    Pan,
    Zoom,
    Scroll,
    Probe,
    Length,
    Angle,
    Rectangle,
    Ellipse,
}

impl ToolName {
    pub const ALL: [ToolName; 9] = [
        ToolName::WindowLevel,
        ToolName::Pan,
        ToolName::Zoom,
        ToolName::Scroll,
        ToolName::Probe,
        ToolName::Length,
        ToolName::Angle,
        ToolName::Rectangle,
        ToolName::Ellipse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ToolName::WindowLevel => "windowLevel",
            ToolName::Pan => "pan",
            ToolName::Zoom => "zoom",
            ToolName::Scroll => "scroll",
            ToolName::Probe => "probe",
            ToolName::Length => "length",
            ToolName::Angle => "angle",
            ToolName::Rectangle => "rectangle",
            ToolName::Ellipse => "ellipse",
        }
    }

    pub fn parse(name: &str) -> Option<ToolName> {
        ToolName::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

/// Viewport layouts (`setLayout`): rows × columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutName {
    OneByOne,
    OneByTwo,
    TwoByTwo,
    /// Axial, sagittal and coronal planes linked by crosshairs.
    Mpr,
    /// The MPR planes and a 3-D rendering.
    Mpr3d,
    /// The current series beside a prior study.
    Comparison,
}

impl LayoutName {
    pub const ALL: [LayoutName; 6] = [
        LayoutName::OneByOne,
        LayoutName::OneByTwo,
        LayoutName::TwoByTwo,
        LayoutName::Mpr,
        LayoutName::Mpr3d,
        LayoutName::Comparison,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LayoutName::OneByOne => "1x1",
            LayoutName::OneByTwo => "1x2",
            LayoutName::TwoByTwo => "2x2",
            LayoutName::Mpr => "mpr",
            LayoutName::Mpr3d => "mpr-3d",
            LayoutName::Comparison => "comparison",
        }
    }

    pub fn parse(name: &str) -> Option<LayoutName> {
        let name = name.trim().replace(['×', 'X'], "x");
        LayoutName::ALL.into_iter().find(|l| l.as_str() == name)
    }
}

/// Where `openStudy`/`openSeries` read from.
#[derive(Clone, Debug, PartialEq)]
pub enum StudySource {
    /// A data source of config.json (or one the user added) by its `sourceName`; None: the
    /// configured default.
    Configured(Option<String>),
    /// A DICOMweb server given by its roots (validated like a config.json entry; no keys).
    Roots(Box<DataSource>),
}

/// What `setWindow` asks for (PS3.3 C.11.2.1.2 window center and width, in modality units).
#[derive(Clone, Debug, PartialEq)]
pub enum WindowRequest {
    Explicit {
        center: f64,
        width: f64,
    },
    /// A preset of the viewport's image by name ("Lung", "Window 1", "Full range"), ignoring case.
    Preset(String),
    /// The file's own window again.
    FileDefault,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    OpenUrls {
        urls: Vec<String>,
    },
    /// `series`: shown first (openSeries names exactly one).
    OpenStudy {
        source: StudySource,
        study: String,
        series: Vec<String>,
    },
    SetTool {
        tool: ToolName,
    },
    /// `viewport`: None = the active one.
    SetWindow {
        viewport: Option<usize>,
        window: WindowRequest,
    },
    SetLayout {
        layout: LayoutName,
    },
    /// `index`: 0-based slice in the viewport's display set.
    SetSlice {
        viewport: Option<usize>,
        index: u32,
    },
    Reset {
        viewport: Option<usize>,
    },
}

/// Why a command was refused (sent back as the response's `error`).
#[derive(Clone, Debug, PartialEq)]
pub enum CommandError {
    TooLarge { bytes: usize },
    MissingCommand,
    UnknownCommand { name: String },
    ParamsNotObject,
    Missing { field: &'static str },
    WrongType { field: &'static str, expected: &'static str },
    Invalid { field: &'static str, reason: String },
    Source(ConfigError),
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::TooLarge { bytes } => {
                write!(f, "the message has {bytes} bytes; at most {MAX_MESSAGE_BYTES} are read")
            }
            CommandError::MissingCommand => {
                write!(f, "the message has no \"command\": name one of {}", COMMANDS.join(", "))
            }
            CommandError::UnknownCommand { name } => {
                write!(f, "unknown command \"{name}\": use one of {}", COMMANDS.join(", "))
            }
            CommandError::ParamsNotObject => write!(f, "\"params\" must be a JSON object"),
            CommandError::Missing { field } => write!(f, "\"{field}\" is missing: add it to params"),
            CommandError::WrongType { field, expected } => write!(f, "\"{field}\" must be {expected}"),
            CommandError::Invalid { field, reason } => write!(f, "\"{field}\" is not usable: {reason}"),
            CommandError::Source(e) => write!(f, "the DICOMweb server in params is not usable: {e}"),
        }
    }
}

impl std::error::Error for CommandError {}

/// A message as received.
#[derive(Debug, PartialEq)]
pub enum Incoming {
    /// Not a command of this API (other scripts' messages, our own events): ignored silently.
    NotOurs,
    /// A command: its `id` (echoed in the response; a number, a string or null) and the
    /// command or why it was refused.
    Command { id: Value, name: String, command: Result<Command, CommandError> },
}

/// Reads a message's data (converted to JSON by the browser layer).
pub fn parse_message(data: &Value) -> Incoming {
    let Some(object) = data.as_object() else { return Incoming::NotOurs };
    if object.get("type").and_then(Value::as_str) != Some(COMMAND_TYPE) {
        return Incoming::NotOurs;
    }
    let id = match object.get("id") {
        Some(Value::Number(n)) => Value::Number(n.clone()),
        Some(Value::String(s)) => Value::String(s.chars().take(MAX_ID_LEN).collect()),
        _ => Value::Null,
    };
    let name = match object.get("command") {
        Some(Value::String(name)) => name.chars().take(64).collect::<String>(),
        _ => return Incoming::Command { id, name: String::new(), command: Err(CommandError::MissingCommand) },
    };
    let empty = Map::new();
    let params = match object.get("params") {
        None | Some(Value::Null) => Ok(&empty),
        Some(Value::Object(params)) => Ok(params),
        Some(_) => Err(CommandError::ParamsNotObject),
    };
    let command = params.and_then(|p| parse_command(&name, p));
    Incoming::Command { id, name, command }
}

/// The text of a message too large to read: answered without parsing (the id is unknown).
pub fn too_large(bytes: usize) -> Value {
    response(&Value::Null, "", &Err(CommandError::TooLarge { bytes }.to_string()))
}

fn field<'a>(params: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    params.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, v)| v).filter(|v| !v.is_null())
}

fn string(params: &Map<String, Value>, name: &'static str) -> Result<Option<String>, CommandError> {
    match field(params, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
        Some(_) => Err(CommandError::WrongType { field: name, expected: "a string" }),
    }
}

fn number(params: &Map<String, Value>, name: &'static str) -> Result<Option<f64>, CommandError> {
    match field(params, name) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or(CommandError::WrongType { field: name, expected: "a finite number" }),
        Some(Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or(CommandError::WrongType { field: name, expected: "a finite number" }),
        Some(_) => Err(CommandError::WrongType { field: name, expected: "a finite number" }),
    }
}

/// A non-negative integer below `limit`.
fn index(params: &Map<String, Value>, name: &'static str, limit: u64) -> Result<Option<u64>, CommandError> {
    let Some(value) = number(params, name)? else { return Ok(None) };
    if value.fract() != 0.0 || value < 0.0 {
        return Err(CommandError::WrongType { field: name, expected: "a whole number from 0" });
    }
    if value >= limit as f64 {
        return Err(CommandError::Invalid { field: name, reason: format!("it must be less than {limit}") });
    }
    Ok(Some(value as u64))
}

fn viewport(params: &Map<String, Value>) -> Result<Option<usize>, CommandError> {
    Ok(index(params, "viewport", VIEWPORTS as u64)?.map(|v| v as usize))
}

/// A DICOM UID (PS3.5 9.1): 1–64 characters, digits separated by single dots.
pub fn check_uid(field: &'static str, uid: &str) -> Result<(), CommandError> {
    let invalid = |reason: &str| CommandError::Invalid { field, reason: reason.to_string() };
    if uid.is_empty() || uid.len() > 64 {
        return Err(invalid("a UID has 1 to 64 characters"));
    }
    if !uid.split('.').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())) {
        return Err(invalid("a UID is digits separated by single dots, e.g. 1.2.840.10008"));
    }
    Ok(())
}

fn uid(params: &Map<String, Value>, name: &'static str) -> Result<Option<String>, CommandError> {
    let value = string(params, name)?;
    if let Some(uid) = &value {
        check_uid(name, uid)?;
    }
    Ok(value)
}

fn uid_list(params: &Map<String, Value>, name: &'static str) -> Result<Vec<String>, CommandError> {
    match field(params, name) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => {
            let list: Vec<String> = s.split(',').map(|u| u.trim().to_string()).filter(|u| !u.is_empty()).collect();
            if list.len() > MAX_SERIES {
                return Err(CommandError::Invalid { field: name, reason: format!("at most {MAX_SERIES} UIDs") });
            }
            list.iter().try_for_each(|u| check_uid(name, u))?;
            Ok(list)
        }
        Some(Value::Array(items)) => {
            if items.len() > MAX_SERIES {
                return Err(CommandError::Invalid { field: name, reason: format!("at most {MAX_SERIES} UIDs") });
            }
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                let text = item
                    .as_str()
                    .ok_or(CommandError::WrongType { field: name, expected: "an array of UID strings" })?;
                check_uid(name, text.trim())?;
                list.push(text.trim().to_string());
            }
            Ok(list)
        }
        Some(_) => Err(CommandError::WrongType { field: name, expected: "an array of UID strings" }),
    }
}

/// A URL a file is fetched from: absolute http(s), or relative to the viewer's page. Other
/// schemes (`javascript:`, `data:`, `file:`, `blob:` of another page) are refused.
pub fn check_url(url: &str) -> Result<(), CommandError> {
    let invalid = |reason: &str| CommandError::Invalid { field: "urls", reason: format!("{reason}: {}", shorten(url)) };
    if url.is_empty() {
        return Err(invalid("an empty URL"));
    }
    if url.len() > MAX_URL_LEN {
        return Err(invalid("longer than 4096 characters"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("a URL has no spaces or control characters"));
    }
    // A scheme is letters, digits, '+', '-', '.' before the first ':' (before any '/', '?', '#').
    let head = url.split(['/', '?', '#']).next().unwrap_or_default();
    if let Some((scheme, _)) = head.split_once(':') {
        let is_scheme = !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
        if is_scheme && !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
            return Err(invalid("only http:// and https:// addresses (or paths relative to the viewer) are fetched"));
        }
    }
    let authority = url
        .get(url.find("//").map_or(0, |i| i + 2)..)
        .unwrap_or_default()
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    if url.contains("//") && authority.contains('@') {
        return Err(invalid("user names and passwords do not go in a URL"));
    }
    Ok(())
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text.to_string()
    }
}

/// A server given by its roots in `openStudy`/`openSeries` params: named `embed`, no keys, OHIF's
/// default flags; the roots are checked like config.json's (http(s), no credentials).
pub fn roots_source(wado_root: &str, qido_root: &str) -> Result<DataSource, ConfigError> {
    let source = DataSource {
        name: "embed".to_string(),
        friendly_name: "DICOMweb server of the host page".to_string(),
        qido_root: qido_root.trim_end_matches('/').to_string(),
        wado_root: wado_root.trim_end_matches('/').to_string(),
        auth: AuthKind::None,
        flags: SourceFlags::OHIF_DEFAULTS,
        thumbnails: ThumbnailKind::DecodeFrame,
        description: String::new(),
    };
    source.validate()?;
    Ok(source)
}

fn study_source(params: &Map<String, Value>) -> Result<StudySource, CommandError> {
    let name = string(params, "dataSource")?;
    let wado = string(params, "wadoRoot")?;
    let qido = string(params, "qidoRoot")?;
    match (name, wado, qido) {
        (Some(_), wado, qido) if wado.is_some() || qido.is_some() => Err(CommandError::Invalid {
            field: "dataSource",
            reason: "give either dataSource or wadoRoot/qidoRoot, not both".to_string(),
        }),
        (name, None, None) => Ok(StudySource::Configured(name.filter(|n| !n.is_empty()))),
        (_, None, Some(_)) => Err(CommandError::Missing { field: "wadoRoot" }),
        (_, Some(wado), qido) => {
            let qido = qido.unwrap_or_else(|| wado.clone());
            roots_source(&wado, &qido).map(|s| StudySource::Roots(Box::new(s))).map_err(CommandError::Source)
        }
    }
}

fn parse_command(name: &str, params: &Map<String, Value>) -> Result<Command, CommandError> {
    match name {
        "openUrls" => {
            let urls: Vec<String> = match field(params, "urls") {
                Some(Value::Array(items)) => {
                    if items.len() > MAX_URLS {
                        return Err(CommandError::Invalid {
                            field: "urls",
                            reason: format!("at most {MAX_URLS} URLs"),
                        });
                    }
                    let mut list = Vec::with_capacity(items.len());
                    for item in items {
                        let url = item
                            .as_str()
                            .ok_or(CommandError::WrongType { field: "urls", expected: "an array of URL strings" })?;
                        check_url(url.trim())?;
                        list.push(url.trim().to_string());
                    }
                    list
                }
                Some(Value::String(url)) => {
                    check_url(url.trim())?;
                    vec![url.trim().to_string()]
                }
                Some(_) => return Err(CommandError::WrongType { field: "urls", expected: "an array of URL strings" }),
                None => return Err(CommandError::Missing { field: "urls" }),
            };
            if urls.is_empty() {
                return Err(CommandError::Invalid { field: "urls", reason: "the list is empty".to_string() });
            }
            Ok(Command::OpenUrls { urls })
        }
        "openStudy" | "openSeries" => {
            let study = uid(params, "studyInstanceUID")?.ok_or(CommandError::Missing { field: "studyInstanceUID" })?;
            let series = if name == "openSeries" {
                vec![uid(params, "seriesInstanceUID")?.ok_or(CommandError::Missing { field: "seriesInstanceUID" })?]
            } else {
                uid_list(params, "seriesInstanceUIDs")?
            };
            Ok(Command::OpenStudy { source: study_source(params)?, study, series })
        }
        "setTool" => {
            let text = string(params, "tool")?.ok_or(CommandError::Missing { field: "tool" })?;
            let tool = ToolName::parse(&text).ok_or_else(|| CommandError::Invalid {
                field: "tool",
                reason: format!(
                    "\"{}\" is not a tool: use one of {}",
                    shorten(&text),
                    ToolName::ALL.map(ToolName::as_str).join(", ")
                ),
            })?;
            Ok(Command::SetTool { tool })
        }
        "setWindow" => {
            let viewport = viewport(params)?;
            let window = match (number(params, "center")?, number(params, "width")?, string(params, "preset")?) {
                (Some(center), Some(width), None) => {
                    if width <= 0.0 {
                        return Err(CommandError::Invalid {
                            field: "width",
                            reason: "it must be greater than 0".to_string(),
                        });
                    }
                    WindowRequest::Explicit { center, width }
                }
                (None, None, Some(preset)) => {
                    if preset.eq_ignore_ascii_case("default") || preset.eq_ignore_ascii_case("file") {
                        WindowRequest::FileDefault
                    } else if preset.is_empty() || preset.chars().count() > 64 {
                        return Err(CommandError::Invalid {
                            field: "preset",
                            reason: "a name of 1 to 64 characters".to_string(),
                        });
                    } else {
                        WindowRequest::Preset(preset)
                    }
                }
                (Some(_), None, None) => return Err(CommandError::Missing { field: "width" }),
                (None, Some(_), None) => return Err(CommandError::Missing { field: "center" }),
                (None, None, None) => return Err(CommandError::Missing { field: "center" }),
                _ => {
                    return Err(CommandError::Invalid {
                        field: "preset",
                        reason: "give either center and width or a preset, not both".to_string(),
                    })
                }
            };
            Ok(Command::SetWindow { viewport, window })
        }
        "setLayout" => {
            let text = string(params, "layout")?.ok_or(CommandError::Missing { field: "layout" })?;
            let layout = LayoutName::parse(&text).ok_or_else(|| CommandError::Invalid {
                field: "layout",
                reason: format!("\"{}\" is not a layout: use 1x1, 1x2, 2x2, mpr, mpr-3d or comparison", shorten(&text)),
            })?;
            Ok(Command::SetLayout { layout })
        }
        "setSlice" => {
            let index = index(params, "index", u64::from(u32::MAX))?.ok_or(CommandError::Missing { field: "index" })?;
            Ok(Command::SetSlice { viewport: viewport(params)?, index: index as u32 })
        }
        "reset" => Ok(Command::Reset { viewport: viewport(params)? }),
        "" => Err(CommandError::MissingCommand),
        other => Err(CommandError::UnknownCommand { name: shorten(other) }),
    }
}

/// The answer to command `id`: `ok: true`, or `ok: false` with the error text.
pub fn response(id: &Value, command: &str, result: &Result<(), String>) -> Value {
    let mut message = json!({ "type": RESPONSE_TYPE, "id": id, "command": command, "ok": result.is_ok() });
    if let (Err(error), Some(object)) = (result, message.as_object_mut()) {
        object.insert("error".to_string(), Value::String(error.clone()));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(text: &str) -> Result<Command, CommandError> {
        match parse_message(&serde_json::from_str(text).expect("test JSON")) {
            Incoming::Command { command, .. } => command,
            Incoming::NotOurs => panic!("{text} not recognised"),
        }
    }

    #[test]
    fn other_messages_are_not_ours() {
        for text in [
            "null",
            "1",
            "\"dicom-viewer:command\"",
            "[]",
            "{}",
            r#"{"type": "dicom-viewer:event", "event": "ready"}"#,
            r#"{"type": "dicom-viewer:response", "id": 1, "ok": true}"#,
            r#"{"source": "react-devtools-bridge"}"#,
        ] {
            assert_eq!(parse_message(&serde_json::from_str(text).expect("test JSON")), Incoming::NotOurs, "{text}");
        }
    }

    #[test]
    fn ids_are_echoed_and_bounded() {
        let long = "x".repeat(1000);
        let text = format!(r#"{{"type": "dicom-viewer:command", "id": "{long}", "command": "reset"}}"#);
        match parse_message(&serde_json::from_str(&text).expect("test JSON")) {
            Incoming::Command { id, name, command } => {
                assert_eq!(id.as_str().map(str::len), Some(MAX_ID_LEN));
                assert_eq!(name, "reset");
                assert_eq!(command, Ok(Command::Reset { viewport: None }));
            }
            other => panic!("{other:?}"),
        }
        match parse_message(&json!({"type": COMMAND_TYPE, "id": {"a": 1}, "command": "reset"})) {
            Incoming::Command { id, .. } => assert_eq!(id, Value::Null),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn open_series_from_a_configured_source() {
        assert_eq!(
            command(
                r#"{"type": "dicom-viewer:command", "id": 7, "command": "openSeries",
                   "params": {"dataSource": "orthanc", "StudyInstanceUID": "1.2.3", "seriesInstanceUID": " 1.2.3.4 "}}"#
            ),
            Ok(Command::OpenStudy {
                source: StudySource::Configured(Some("orthanc".into())),
                study: "1.2.3".into(),
                series: vec!["1.2.3.4".into()]
            })
        );
        assert_eq!(
            command(
                r#"{"type": "dicom-viewer:command", "command": "openStudy", "params": {"studyInstanceUID": "1.2"}}"#
            ),
            Ok(Command::OpenStudy { source: StudySource::Configured(None), study: "1.2".into(), series: vec![] })
        );
        assert_eq!(
            command(
                r#"{"type": "dicom-viewer:command", "command": "openStudy",
                   "params": {"studyInstanceUID": "1.2", "seriesInstanceUIDs": "1.2.3, 1.2.4"}}"#
            ),
            Ok(Command::OpenStudy {
                source: StudySource::Configured(None),
                study: "1.2".into(),
                series: vec!["1.2.3".into(), "1.2.4".into()]
            })
        );
        assert_eq!(
            command(
                r#"{"type": "dicom-viewer:command", "command": "openSeries", "params": {"studyInstanceUID": "1.2"}}"#
            ),
            Err(CommandError::Missing { field: "seriesInstanceUID" })
        );
    }

    #[test]
    fn open_study_from_given_roots() {
        let parsed = command(
            r#"{"type": "dicom-viewer:command", "command": "openStudy",
               "params": {"studyInstanceUID": "1.2", "wadoRoot": "https://pacs.example.org/dicom-web/"}}"#,
        );
        match parsed {
            Ok(Command::OpenStudy { source: StudySource::Roots(source), .. }) => {
                assert_eq!(source.wado_root, "https://pacs.example.org/dicom-web");
                assert_eq!(source.qido_root, "https://pacs.example.org/dicom-web");
                assert_eq!(source.auth, AuthKind::None);
            }
            other => panic!("{other:?}"),
        }
        // Secrets in a root are refused as in config.json.
        let secret = command(
            r#"{"type": "dicom-viewer:command", "command": "openStudy",
               "params": {"studyInstanceUID": "1.2", "wadoRoot": "https://pacs.example.org/dw?apikey=abc"}}"#,
        );
        assert!(matches!(secret, Err(CommandError::Source(ConfigError::SecretInUrl { .. }))), "{secret:?}");
        let both = command(
            r#"{"type": "dicom-viewer:command", "command": "openStudy",
               "params": {"studyInstanceUID": "1.2", "dataSource": "a", "wadoRoot": "https://x.org"}}"#,
        );
        assert!(matches!(both, Err(CommandError::Invalid { field: "dataSource", .. })));
        let qido_only = command(
            r#"{"type": "dicom-viewer:command", "command": "openStudy",
               "params": {"studyInstanceUID": "1.2", "qidoRoot": "https://x.org"}}"#,
        );
        assert_eq!(qido_only, Err(CommandError::Missing { field: "wadoRoot" }));
    }

    #[test]
    fn uids_are_checked() {
        for bad in ["", "1..2", ".1", "1.", "1.2a", "1.2.3;drop", &"1".repeat(65)] {
            assert!(check_uid("studyInstanceUID", bad).is_err(), "{bad}");
        }
        assert!(check_uid("studyInstanceUID", "1.2.840.10008.5.1.4.1.1.2").is_ok());
        let list = json!({"type": COMMAND_TYPE, "command": "openStudy",
            "params": {"studyInstanceUID": "1.2", "seriesInstanceUIDs": ["1.2", 3]}});
        assert!(matches!(parse_message(&list), Incoming::Command { command: Err(CommandError::WrongType { .. }), .. }));
    }

    #[test]
    fn urls() {
        assert_eq!(
            command(
                r#"{"type": "dicom-viewer:command", "command": "openUrls", "params": {"urls": ["https://a.org/x.dcm", "samples/ct/1.dcm"]}}"#
            ),
            Ok(Command::OpenUrls { urls: vec!["https://a.org/x.dcm".into(), "samples/ct/1.dcm".into()] })
        );
        for bad in [
            "javascript:alert(1)",
            "data:application/dicom;base64,AA",
            "file:///etc/passwd",
            "https://u:p@a.org/x",
            "a b",
            "",
        ] {
            assert!(check_url(bad).is_err(), "{bad} accepted");
        }
        assert!(check_url("x.dcm?a=b:c").is_ok());
        assert!(check_url("//cdn.example.org/x.dcm").is_ok());
        let empty = command(r#"{"type": "dicom-viewer:command", "command": "openUrls", "params": {"urls": []}}"#);
        assert!(matches!(empty, Err(CommandError::Invalid { field: "urls", .. })));
        let many =
            json!({"type": COMMAND_TYPE, "command": "openUrls", "params": {"urls": vec!["a.dcm"; MAX_URLS + 1]}});
        assert!(matches!(parse_message(&many), Incoming::Command { command: Err(CommandError::Invalid { .. }), .. }));
    }

    #[test]
    fn tools_windows_layouts_slices() {
        assert_eq!(
            command(r#"{"type": "dicom-viewer:command", "command": "setTool", "params": {"tool": "Length"}}"#),
            Ok(Command::SetTool { tool: ToolName::Length })
        );
        assert!(matches!(
            command(r#"{"type": "dicom-viewer:command", "command": "setTool", "params": {"tool": "laser"}}"#),
            Err(CommandError::Invalid { field: "tool", .. })
        ));
        assert_eq!(
            command(
                r#"{"type": "dicom-viewer:command", "command": "setWindow", "params": {"center": 40, "width": "400", "viewport": 1}}"#
            ),
            Ok(Command::SetWindow {
                viewport: Some(1),
                window: WindowRequest::Explicit { center: 40.0, width: 400.0 }
            })
        );
        assert_eq!(
            command(r#"{"type": "dicom-viewer:command", "command": "setWindow", "params": {"preset": "Lung"}}"#),
            Ok(Command::SetWindow { viewport: None, window: WindowRequest::Preset("Lung".into()) })
        );
        assert_eq!(
            command(r#"{"type": "dicom-viewer:command", "command": "setWindow", "params": {"preset": "default"}}"#),
            Ok(Command::SetWindow { viewport: None, window: WindowRequest::FileDefault })
        );
        for params in [
            r#"{"center": 40}"#,
            r#"{"width": 40}"#,
            r#"{"center": 40, "width": 0}"#,
            r#"{"center": 40, "width": -1}"#,
            r#"{"center": 40, "width": 4, "preset": "Lung"}"#,
            r#"{"center": "abc", "width": 4}"#,
            r#"{"center": 1, "width": 4, "viewport": 4}"#,
            r#"{"center": 1, "width": 4, "viewport": 0.5}"#,
            r#"{}"#,
        ] {
            let text = format!(r#"{{"type": "dicom-viewer:command", "command": "setWindow", "params": {params}}}"#);
            assert!(command(&text).is_err(), "{params} accepted");
        }
        assert_eq!(
            command(r#"{"type": "dicom-viewer:command", "command": "setLayout", "params": {"layout": "2×2"}}"#),
            Ok(Command::SetLayout { layout: LayoutName::TwoByTwo })
        );
        assert_eq!(
            command(r#"{"type": "dicom-viewer:command", "command": "setSlice", "params": {"index": 64}}"#),
            Ok(Command::SetSlice { viewport: None, index: 64 })
        );
        for params in [r#"{"index": -1}"#, r#"{"index": 1.5}"#, r#"{"index": 1e12}"#, r#"{}"#, r#"{"index": true}"#] {
            let text = format!(r#"{{"type": "dicom-viewer:command", "command": "setSlice", "params": {params}}}"#);
            assert!(command(&text).is_err(), "{params} accepted");
        }
        assert!(matches!(
            command(r#"{"type": "dicom-viewer:command", "command": "explode"}"#),
            Err(CommandError::UnknownCommand { .. })
        ));
        assert_eq!(command(r#"{"type": "dicom-viewer:command"}"#), Err(CommandError::MissingCommand));
        assert_eq!(
            command(r#"{"type": "dicom-viewer:command", "command": "reset", "params": [1]}"#),
            Err(CommandError::ParamsNotObject)
        );
    }

    #[test]
    fn responses() {
        assert_eq!(
            response(&json!(7), "setSlice", &Ok(())),
            json!({"type": RESPONSE_TYPE, "id": 7, "command": "setSlice", "ok": true})
        );
        let refused = response(&json!("a"), "setSlice", &Err("no image".into()));
        assert_eq!(refused["ok"], json!(false));
        assert_eq!(refused["error"], json!("no image"));
        assert_eq!(too_large(2 << 20)["ok"], json!(false));
    }

    /// Arbitrary JSON never panics: every shape of every field for every command.
    #[test]
    fn never_panics_on_any_params() {
        let values = [
            json!(null),
            json!(true),
            json!(-1),
            json!(1e308),
            json!(0.5),
            json!(""),
            json!("1.2.3"),
            json!("https://a.org"),
            json!("é\u{0}"),
            json!([]),
            json!(["1.2", null, 5]),
            json!({}),
        ];
        let fields = [
            "urls",
            "studyInstanceUID",
            "seriesInstanceUID",
            "seriesInstanceUIDs",
            "dataSource",
            "wadoRoot",
            "qidoRoot",
            "tool",
            "center",
            "width",
            "preset",
            "layout",
            "index",
            "viewport",
        ];
        for name in COMMANDS {
            for field in fields {
                for value in &values {
                    let mut params = Map::new();
                    params.insert(field.to_string(), value.clone());
                    let _ = parse_message(&json!({"type": COMMAND_TYPE, "id": 1, "command": name, "params": params}));
                }
            }
        }
    }
}
