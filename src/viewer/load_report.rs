//! What the user is told about the files of a load that are not shown: files skipped because
//! they are not DICOM (named, not only counted), empty files (called empty), files that could
//! not be read, and a damaged copy of an instance that is also loaded intact. One message per
//! cause, each naming the file and what to do.

/// Skipped file names listed in the status bar before "and N more".
const LISTED: usize = 5;

/// Status-bar text for files skipped because they are not DICOM: "2 non-DICOM files skipped:
/// notes.txt, photo.png". Empty when none were skipped.
pub fn skipped_summary(names: &[String]) -> String {
    let count = names.len();
    if count == 0 {
        return String::new();
    }
    let mut listed = names.iter().take(LISTED).cloned().collect::<Vec<_>>().join(", ");
    if count > LISTED {
        listed.push_str(&format!(" and {} more", count - LISTED));
    }
    format!("{count} non-DICOM file{} skipped: {listed}", if count == 1 { "" } else { "s" })
}

/// A file of zero bytes.
pub fn empty_file_message(path: &str) -> String {
    format!("{path} is empty (0 bytes): it holds no image. Copy it again from where it came from.")
}

/// A file that starts like DICOM but whose header cannot be read (`cause` names the fix).
pub fn unreadable_file_message(path: &str, cause: &str) -> String {
    format!("{path} could not be opened: {cause}.")
}

/// Shown once when nothing in the load could be opened and every file was skipped as not DICOM
/// (files that failed have their own message, so this would contradict it).
pub fn nothing_opened_message(skipped: usize, failed: usize, opened: usize) -> Option<String> {
    (opened == 0 && failed == 0 && skipped > 0)
        .then(|| "None of the chosen files is a DICOM file: choose .dcm files, a folder or a ZIP of them.".to_string())
}

/// Two files hold the same instance (SOP Instance UID) and one of them cannot be shown.
pub fn damaged_copy_message(damaged: &str, cause: &str, intact: &str, sop_instance_uid: &str) -> String {
    format!(
        "{damaged} and {intact} hold the same image (SOP Instance UID {sop_instance_uid}); {damaged} is damaged \
         ({cause}), so {intact} is shown."
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
        assert_eq!(skipped_summary(&[]), "");
        assert_eq!(skipped_summary(&names(1)), "1 non-DICOM file skipped: f1.txt");
        assert_eq!(skipped_summary(&names(2)), "2 non-DICOM files skipped: f1.txt, f2.txt");
        assert_eq!(
            skipped_summary(&names(8)),
            "8 non-DICOM files skipped: f1.txt, f2.txt, f3.txt, f4.txt, f5.txt and 3 more"
        );
    }

    #[test]
    fn nothing_opened_only_when_every_file_was_skipped() {
        assert!(nothing_opened_message(2, 0, 0).is_some());
        // A file that failed has its own message: saying "none is DICOM" would contradict it.
        assert!(nothing_opened_message(0, 1, 0).is_none());
        assert!(nothing_opened_message(1, 1, 0).is_none());
        assert!(nothing_opened_message(3, 0, 1).is_none());
    }

    #[test]
    fn messages_name_the_file_and_the_cause() {
        assert!(empty_file_message("a/empty.dcm").starts_with("a/empty.dcm is empty (0 bytes)"));
        let message = damaged_copy_message("cut.dcm", "truncated", "whole.dcm", "1.2.3");
        assert!(message.contains("cut.dcm") && message.contains("whole.dcm is shown") && message.contains("1.2.3"));
    }
}
