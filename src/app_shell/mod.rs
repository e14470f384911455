//! The installable, offline app shell (issue 11): the app icon, the web app manifest and the
//! service worker with the build's precache list. Pure: `make-app-shell` (src/bin) writes what
//! these functions return into Trunk's staging folder (hooks in Trunk.toml); src/web/offline.rs
//! registers the worker.

pub mod icon;
pub mod manifest;
pub mod service_worker;

use std::fmt;

/// Why the app shell's files could not be made.
#[derive(Debug, PartialEq, Eq)]
pub enum AppShellError {
    /// A design token the manifest needs is not in style/main.css.
    MissingToken(&'static str),
    /// A built file's path cannot be a precache URL as it stands (only ASCII letters, digits
    /// and `._-/` are written unescaped).
    UnsafePath(String),
    /// The service worker template lacks a placeholder, or has it more than once.
    Template { placeholder: &'static str, found: usize },
    /// The build folder holds no index.html: the precache list would not start the app.
    NoIndex,
}

impl fmt::Display for AppShellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppShellError::MissingToken(name) => write!(f, "style/main.css has no {name} design token"),
            AppShellError::UnsafePath(path) => {
                write!(f, "built file {path:?} needs URL escaping; rename it (letters, digits, . _ - /)")
            }
            AppShellError::Template { placeholder, found } => {
                write!(f, "the service worker template has {placeholder} {found} times, not once")
            }
            AppShellError::NoIndex => write!(f, "the build has no index.html to precache"),
        }
    }
}

impl std::error::Error for AppShellError {}
