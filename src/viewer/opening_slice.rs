//! Which slice a stack opens on, and where the viewport stays while the stack is still growing
//! (instances arrive one by one from files, samples or a server).
//!
//! Rule: a stack opens on its middle slice (`len / 2`, the slice its thumbnail shows): the first
//! and last slices of a CT, an MR or a SEG are often all air. Until the user moves to another
//! slice, the viewport follows the middle as more instances arrive; once the user has moved, it
//! stays on the slice the user chose (the same instance and frame, wherever the new ones sort).

use crate::study::FrameRef;

/// The index a stack of `count` frames opens on: its middle (0 for an empty stack).
pub fn opening_frame(count: usize) -> u32 {
    u32::try_from(count / 2).unwrap_or(0)
}

/// The viewport's slice after its display set changed from `before` to `after`.
/// `shown`: the index shown in `before`; `followed`: the viewer chose that index (it opened
/// there or followed the middle) and the user has not moved since.
/// Returns the new index and whether the viewer still follows the middle.
pub fn after_growth(before: &[FrameRef], shown: u32, followed: bool, after: &[FrameRef]) -> (u32, bool) {
    if followed {
        return (opening_frame(after.len()), true);
    }
    let same = before.get(shown as usize).and_then(|frame| after.iter().position(|f| f == frame));
    match same.and_then(|i| u32::try_from(i).ok()) {
        Some(index) => (index, false),
        None => (shown.min(u32::try_from(after.len().saturating_sub(1)).unwrap_or(0)), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(sources: &[u32]) -> Vec<FrameRef> {
        sources.iter().map(|&source| FrameRef { source, frame: 0 }).collect()
    }

    #[test]
    fn opens_on_the_middle() {
        assert_eq!(opening_frame(0), 0);
        assert_eq!(opening_frame(1), 0);
        assert_eq!(opening_frame(64), 32);
        assert_eq!(opening_frame(128), 64);
        assert_eq!(opening_frame(5), 2);
    }

    #[test]
    fn follows_the_middle_until_the_user_moves() {
        let before = frames(&[3, 4, 5]);
        let after = frames(&[0, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(after_growth(&before, 1, true, &after), (4, true));
    }

    #[test]
    fn keeps_the_users_slice_when_more_arrive() {
        let before = frames(&[3, 4, 5]);
        let after = frames(&[0, 1, 2, 3, 4, 5, 6]);
        // The user was on source 5 (index 2): it is index 5 now.
        assert_eq!(after_growth(&before, 2, false, &after), (5, false));
        // A slice that disappeared: the index is clamped.
        assert_eq!(after_growth(&frames(&[9, 10]), 1, false, &frames(&[1])), (0, false));
    }
}
