//! What the user is told about the files of a load that are not shown: files skipped because
//! they are not DICOM (named, not only counted), empty files (called empty), files that could
//! not be read, and a damaged copy of an instance that is also loaded intact. One message per
//! cause, each naming the file and what to do.

use crate::i18n::{format_integer, textf, Lang};

/// Skipped file names listed in the status bar before "and N more".
const LISTED: usize = 5;

/// Status-bar text for files skipped because they are not DICOM: "2 non-DICOM files skipped:
/// notes.txt, photo.png". Empty when none were skipped.
/// In `lang` (texts `common.load.*`).
pub fn skipped_summary(lang: Lang, names: &[String]) -> String {
    let count = names.len();
    if count == 0 {
        return String::new();
    }
    let listed = names.iter().take(LISTED).cloned().collect::<Vec<_>>().join(", ");
    let listed = if count > LISTED {
        let more = format_integer(lang, (count - LISTED) as i64);
        textf(lang, "common.load.and_more", &[("list", &listed), ("count", &more)])
    } else {
        listed
    };
    let key = if count == 1 { "common.load.skipped_one" } else { "common.load.skipped_many" };
    textf(lang, key, &[("count", &format_integer(lang, count as i64)), ("list", &listed)])
}

/// A file of zero bytes.
pub fn empty_file_message(lang: Lang, path: &str) -> String {
    textf(lang, "common.load.empty", &[("path", path)])
}

/// A file that starts like DICOM but whose header cannot be read (`cause` names the fix).
pub fn unreadable_file_message(lang: Lang, path: &str, cause: &str) -> String {
    textf(lang, "common.load.unreadable", &[("path", path), ("cause", cause)])
}

/// Shown once when nothing in the load could be opened and every file was skipped as not DICOM
/// (files that failed have their own message, so this would contradict it).
pub fn nothing_opened_message(lang: Lang, skipped: usize, failed: usize, opened: usize) -> Option<String> {
    (opened == 0 && failed == 0 && skipped > 0).then(|| textf(lang, "common.load.nothing_opened", &[]))
}

/// Two files hold the same instance (SOP Instance UID) and one of them cannot be shown.
pub fn damaged_copy_message(lang: Lang, damaged: &str, cause: &str, intact: &str, sop_instance_uid: &str) -> String {
    textf(
        lang,
        "common.load.damaged_copy",
        &[("damaged", damaged), ("cause", cause), ("intact", intact), ("uid", sop_instance_uid)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("f{i}.txt")).collect()
    }

    #[test]
    fn skipped_files_are_named() {
        assert_eq!(skipped_summary(Lang::En, &[]), "");
        assert_eq!(skipped_summary(Lang::En, &names(1)), "1 non-DICOM file skipped: f1.txt");
        assert_eq!(skipped_summary(Lang::En, &names(2)), "2 non-DICOM files skipped: f1.txt, f2.txt");
        assert_eq!(
            skipped_summary(Lang::En, &names(8)),
            "8 non-DICOM files skipped: f1.txt, f2.txt, f3.txt, f4.txt, f5.txt and 3 more"
        );
        assert_eq!(
            skipped_summary(Lang::De, &names(6)),
            "6 Nicht-DICOM-Dateien übersprungen: f1.txt, f2.txt, f3.txt, f4.txt, f5.txt und 1 weitere"
        );
        assert_eq!(skipped_summary(Lang::Zh, &names(1)), "已跳过 1 个非 DICOM 文件：f1.txt");
    }

    #[test]
    fn nothing_opened_only_when_every_file_was_skipped() {
        assert!(nothing_opened_message(Lang::En, 2, 0, 0).is_some_and(|m| m.starts_with("None of the chosen files")));
        assert!(nothing_opened_message(Lang::Es, 2, 0, 0).is_some_and(|m| m.contains("DICOM") && m.contains("ZIP")));
        // A file that failed has its own message: saying "none is DICOM" would contradict it.
        assert!(nothing_opened_message(Lang::En, 0, 1, 0).is_none());
        assert!(nothing_opened_message(Lang::En, 1, 1, 0).is_none());
        assert!(nothing_opened_message(Lang::En, 3, 0, 1).is_none());
    }

    #[test]
    fn messages_name_the_file_and_the_cause() {
        assert!(empty_file_message(Lang::En, "a/empty.dcm").starts_with("a/empty.dcm is empty (0 bytes)"));
        assert!(empty_file_message(Lang::De, "a/empty.dcm").starts_with("a/empty.dcm ist leer (0 Byte)"));
        assert_eq!(unreadable_file_message(Lang::En, "x.dcm", "cut short"), "x.dcm could not be opened: cut short.");
        let message = damaged_copy_message(Lang::En, "cut.dcm", "truncated", "whole.dcm", "1.2.3");
        assert!(message.contains("cut.dcm") && message.contains("whole.dcm is shown") && message.contains("1.2.3"));
        let message = damaged_copy_message(Lang::Zh, "cut.dcm", "truncated", "whole.dcm", "1.2.3");
        assert!(message.contains("cut.dcm") && message.contains("whole.dcm") && message.contains("1.2.3"));
    }
}
