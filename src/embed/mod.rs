//! Embedding the viewer in another site (`?embed=1` in an iframe) and the `postMessage` API a host
//! page drives it with. Plain Rust, no browser types: the browser layer (`web::embed`) hands in
//! the message data as JSON and the sender's origin, and sends out what this module writes.
//!
//! - [`protocol`]: the namespaced command messages (`dicom-viewer:command`), their validation
//!   into [`protocol::Command`] values, and the responses (`dicom-viewer:response`).
//! - [`origins`]: `config.json`'s `embed.allowedOrigins`, exact origin matching, and where events
//!   are sent.
//! - [`events`]: the events (`dicom-viewer:event`): ready, imageShown, sliceChanged,
//!   measurementAdded, error.
//!
//! Every function here takes untrusted input (a message from any page, a config file) and
//! returns a typed error instead of panicking; sizes are limited before anything is kept.

pub mod events;
pub mod origins;
pub mod protocol;

/// True when the page address asks for the embed layout: `embed=1` (or `true`) among its query
/// parameters (`search` is `location.search`, with or without the leading `?`).
pub fn embed_requested(search: &str) -> bool {
    search.trim_start_matches('?').split('&').any(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        name.eq_ignore_ascii_case("embed") && (value == "1" || value.eq_ignore_ascii_case("true"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_parameter() {
        assert!(embed_requested("?embed=1"));
        assert!(embed_requested("?datasource=orthanc&EMBED=true"));
        assert!(embed_requested("lng=de&embed=1"));
        assert!(!embed_requested(""));
        assert!(!embed_requested("?embed=0"));
        assert!(!embed_requested("?embedded=1"));
        assert!(!embed_requested("?embed"));
    }
}
