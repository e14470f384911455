//! Linked series: viewports showing series of one Frame of Reference scroll together by
//! position (not by index); a manual offset links series whose frames of reference differ
//! (a prior study); the reference line of one slice on another plane.

/// Which viewports scroll together.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkState {
    /// Linked scrolling is on.
    pub enabled: bool,
}
