//! Errors a codec reports about a compressed stream. Never a panic: every codec returns these.

use std::fmt;

/// What went wrong while decoding one compressed frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodecError {
    /// The stream ended before the decoder had what it needed.
    Truncated { codec: &'static str, context: &'static str },
    /// The stream breaks a rule of its standard.
    Invalid { codec: &'static str, reason: String },
    /// The stream is valid but uses a feature this decoder does not implement.
    Unsupported { codec: &'static str, feature: String },
    /// The stream declares an image larger than the decoder is allowed to allocate.
    TooLarge { codec: &'static str, samples: u64, limit: u64 },
    /// This wasm module does not carry the codec: it lives in a module loaded on first need
    /// (JPEG XL, README "Modules and sizes"). The decode worker catches this and asks that module.
    ModuleNeeded { codec: &'static str },
}

impl CodecError {
    pub fn invalid(codec: &'static str, reason: impl Into<String>) -> Self {
        CodecError::Invalid { codec, reason: reason.into() }
    }
    pub fn unsupported(codec: &'static str, feature: impl Into<String>) -> Self {
        CodecError::Unsupported { codec, feature: feature.into() }
    }
    pub fn truncated(codec: &'static str, context: &'static str) -> Self {
        CodecError::Truncated { codec, context }
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::Truncated { codec, context } => {
                write!(f, "{codec} stream is truncated ({context}); the file is incomplete")
            }
            CodecError::Invalid { codec, reason } => {
                write!(f, "{codec} stream is corrupt: {reason}")
            }
            CodecError::Unsupported { codec, feature } => {
                write!(f, "{codec} feature not supported: {feature}")
            }
            CodecError::TooLarge { codec, samples, limit } => {
                write!(f, "{codec} image declares {samples} samples, more than the limit of {limit}")
            }
            CodecError::ModuleNeeded { codec } => {
                write!(f, "the {codec} decoder is a module of its own and is not loaded here; reload the page")
            }
        }
    }
}

impl std::error::Error for CodecError {}
