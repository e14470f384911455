//! The interface's catalogs (`locales/<lang>/*.txt`): every language has exactly the English keys
//! with the same `{placeholders}`, no key is defined twice, every file is compiled in, and every
//! key the code asks for (`tr("…")`, `trf("…", …)`) exists.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use dicom_viewer::i18n::{parse_catalog, placeholders, text, Lang};

const LANGS: [&str; 4] = ["en", "de", "es", "zh"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(lang: &str) -> Vec<PathBuf> {
    let mut list: Vec<PathBuf> = fs::read_dir(root().join("locales").join(lang))
        .unwrap_or_else(|e| panic!("locales/{lang}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    list.sort();
    list
}

/// key → (file, text) of one language; panics naming every malformed line and duplicate.
fn entries(lang: &str) -> BTreeMap<String, (String, String)> {
    let mut map = BTreeMap::new();
    let mut problems = Vec::new();
    for path in files(lang) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let source = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match parse_catalog(&source) {
            Err(e) => problems.push(format!("{lang}/{name}:{}: not `key = text`: {}", e.line, e.text)),
            Ok(list) => {
                for (key, value) in list {
                    if value.is_empty() {
                        problems.push(format!("{lang}/{name}: {key} has no text"));
                    }
                    if let Some((other, _)) = map.insert(key.to_string(), (name.clone(), value)) {
                        problems.push(format!("{lang}/{name}: {key} is also defined in {other}"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    map
}

#[test]
fn every_language_has_the_english_keys_and_placeholders() {
    let english = entries("en");
    assert!(english.len() >= 2, "the English catalog is empty");
    let mut problems = Vec::new();
    for lang in &LANGS[1..] {
        let other = entries(lang);
        for (key, (file, value)) in &english {
            match other.get(key) {
                None => problems.push(format!("{lang}: missing {key} (en/{file})")),
                Some((_, translated)) if placeholders(translated) != placeholders(value) => problems.push(format!(
                    "{lang}: {key} has placeholders {:?}, English has {:?}",
                    placeholders(translated),
                    placeholders(value)
                )),
                Some(_) => {}
            }
        }
        for key in other.keys().filter(|k| !english.contains_key(*k)) {
            problems.push(format!("{lang}: {key} is not an English key"));
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_catalog_file_is_compiled_in() {
    let compiled = fs::read_to_string(root().join("src/i18n/catalogs.rs")).expect("catalogs.rs");
    for lang in LANGS {
        let names: BTreeSet<String> =
            files(lang).iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).collect();
        for name in names {
            let include = format!("locales/{lang}/{name}");
            assert!(compiled.contains(&include), "{include} exists but src/i18n/catalogs.rs does not include it");
        }
    }
    // And what is compiled in is what the files say.
    for (lang, code) in [(Lang::En, "en"), (Lang::De, "de")] {
        for (key, (_, value)) in entries(code) {
            let key: &'static str = Box::leak(key.into_boxed_str());
            assert_eq!(text(lang, key), value, "{code}: {key}");
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The string literals that follow `call` (e.g. `tr("`) in `source`.
fn keys_after<'a>(source: &'a str, call: &str) -> Vec<&'a str> {
    let mut keys = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find(call) {
        let preceded_by_ident = rest[..at].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after = &rest[at + call.len()..];
        if let Some(end) = after.find('"') {
            if !preceded_by_ident {
                keys.push(&after[..end]);
            }
            rest = &after[end..];
        } else {
            break;
        }
    }
    keys
}

#[test]
fn every_key_the_code_uses_exists_in_english() {
    let english = entries("en");
    let mut sources = Vec::new();
    rust_files(&root().join("src"), &mut sources);
    let mut missing = Vec::new();
    let mut used = 0;
    for path in sources {
        let source = fs::read_to_string(&path).unwrap_or_default();
        for call in ["tr(\"", "trf(\""] {
            for key in keys_after(&source, call) {
                used += 1;
                if !english.contains_key(key) {
                    missing.push(format!("{}: {key}", path.strip_prefix(root()).unwrap_or(&path).display()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "keys used but not in locales/en:\n{}", missing.join("\n"));
    eprintln!("{used} uses of catalog keys checked");
}

/// Keys held in tables rather than written inside `tr("…")` (the help dialog's shortcut list in
/// src/web/keyboard.rs, the announcer's sentences in src/viewer/announce.rs) exist too.
#[test]
fn every_dialogs_and_a11y_key_named_in_the_code_exists_in_english() {
    let english = entries("en");
    let mut sources = Vec::new();
    rust_files(&root().join("src"), &mut sources);
    let mut missing = Vec::new();
    for path in sources {
        let source = fs::read_to_string(&path).unwrap_or_default();
        for call in ["\"dialogs.", "\"a11y."] {
            for rest in keys_after(&source, call) {
                let key = format!("{}{rest}", &call[1..]);
                if !rest.is_empty() && !rest.contains(char::is_whitespace) && !english.contains_key(&key) {
                    missing.push(format!("{}: {key}", path.strip_prefix(root()).unwrap_or(&path).display()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "keys named but not in locales/en:\n{}", missing.join("\n"));
}
