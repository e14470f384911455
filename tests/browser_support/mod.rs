//! Shared by tests/browser_digests_native.rs and tests/browser_decode.rs: the FNV-1a 64 digests
//! of decoded stored values and rendered RGBA, and the fixture file that pins them.
#![allow(dead_code)]

/// FNV-1a, 64 bit.
pub struct Fnv(u64);

impl Fnv {
    pub fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    pub fn update(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// Digests of every frame of one file: stored values (little-endian bytes of their own width)
/// and RGBA with the default window, frames in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests {
    pub path: String,
    pub frames: u32,
    pub decode: String,
    pub render: String,
}

/// `{"path": {"frames": n, "decode": "hex", "render": "hex"}, ...}`, one file per line (the wasm
/// test reads it without a JSON library).
pub fn format_fixture(entries: &[Digests]) -> String {
    let lines: Vec<String> = entries
        .iter()
        .map(|d| {
            format!(
                "  \"{}\": {{\"frames\": {}, \"decode\": \"{}\", \"render\": \"{}\"}}",
                d.path, d.frames, d.decode, d.render
            )
        })
        .collect();
    format!("{{\n{}\n}}\n", lines.join(",\n"))
}

/// Reads what `format_fixture` writes.
pub fn parse_fixture(text: &str) -> Vec<Digests> {
    text.lines()
        .filter_map(|line| {
            let quoted: Vec<&str> = line.split('"').collect();
            // ["  ", path, ": {", "frames", ": n, ", "decode", ": ", hex, ", ", "render", ": ", hex, "}..."]
            if quoted.len() < 12 {
                return None;
            }
            let frames = quoted[4].trim_matches(|c: char| !c.is_ascii_digit()).parse().ok()?;
            Some(Digests {
                path: quoted[1].to_string(),
                frames,
                decode: quoted[7].to_string(),
                render: quoted[11].to_string(),
            })
        })
        .collect()
}
