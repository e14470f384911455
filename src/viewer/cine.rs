//! Cine playback timing: how many frames to advance for the time elapsed, looping at the end.
//! The rate can come from Recommended Display Frame Rate (0008,2144), Cine Rate (0018,0040) or
//! Frame Time (0018,1063) (PS3.3 C.7.6.5 Cine Module).

/// Frames per second, clamped to `MIN_FPS..=MAX_FPS`, with the fraction of a frame not yet shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CineClock {
    fps: u32,
    pending: f64,
}

impl CineClock {
    pub const MIN_FPS: u32 = 1;
    pub const MAX_FPS: u32 = 60;

    pub fn new(fps: u32) -> CineClock {
        CineClock { fps: fps.clamp(Self::MIN_FPS, Self::MAX_FPS), pending: 0.0 }
    }

    /// From Frame Time (0018,1063) in ms per frame: round(1000 / frame time), clamped; None if
    /// the frame time is not a positive finite number.
    pub fn from_frame_time(frame_time_ms: f64) -> Option<CineClock> {
        if !(frame_time_ms.is_finite() && frame_time_ms > 0.0) {
            return None;
        }
        let fps = (1000.0 / frame_time_ms).round().clamp(f64::from(Self::MIN_FPS), f64::from(Self::MAX_FPS));
        Some(CineClock::new(fps as u32))
    }

    pub fn fps(&self) -> u32 {
        self.fps
    }

    pub fn set_fps(&mut self, fps: u32) {
        self.fps = fps.clamp(Self::MIN_FPS, Self::MAX_FPS);
    }

    /// Whole frames due after `elapsed_ms` more milliseconds; the fraction carries over.
    /// Negative or non-finite times count as 0.
    pub fn frames_due(&mut self, elapsed_ms: f64) -> u64 {
        let elapsed_ms = if elapsed_ms.is_finite() { elapsed_ms.max(0.0) } else { 0.0 };
        let total = self.pending + elapsed_ms * f64::from(self.fps) / 1000.0;
        let whole = total.floor();
        self.pending = total - whole;
        whole as u64
    }

    /// The frame to show after `elapsed_ms`, looping from the last frame back to the first.
    pub fn advance(&mut self, current: u32, count: u32, elapsed_ms: f64) -> u32 {
        let frames = self.frames_due(elapsed_ms);
        if count == 0 {
            return 0;
        }
        let next = (u64::from(current) + frames % u64::from(count)) % u64::from(count);
        u32::try_from(next).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fps_is_clamped() {
        assert_eq!(CineClock::new(0).fps(), 1);
        assert_eq!(CineClock::new(240).fps(), 60);
        let mut clock = CineClock::new(24);
        clock.set_fps(61);
        assert_eq!(clock.fps(), 60);
        // Frame Time 33.33 ms → 30.003 → 30 fps; 2000 ms → 0.5 → 1 fps.
        assert_eq!(CineClock::from_frame_time(33.33).map(|clock| clock.fps()), Some(30));
        assert_eq!(CineClock::from_frame_time(2000.0).map(|clock| clock.fps()), Some(1));
        assert_eq!(CineClock::from_frame_time(0.0), None);
    }

    #[test]
    fn fractions_carry_over() {
        // 30 fps: 100 ms = 3 frames; 20 ms = 0.6 → 0; another 20 ms → 1.2 → 1.
        let mut clock = CineClock::new(30);
        assert_eq!(clock.frames_due(100.0), 3);
        assert_eq!(clock.frames_due(20.0), 0);
        assert_eq!(clock.frames_due(20.0), 1);
        assert_eq!(clock.frames_due(-5.0), 0);
        assert_eq!(clock.frames_due(f64::NAN), 0);
    }

    #[test]
    fn playback_loops() {
        // 126 + 3 = 129 → 129 mod 128 = 1.
        let mut clock = CineClock::new(30);
        assert_eq!(clock.advance(126, 128, 100.0), 1);
        // An hour in a background tab at 60 fps: 216 000 frames ≡ 216 000 mod 128 = 64.
        let mut clock = CineClock::new(60);
        assert_eq!(clock.advance(0, 128, 3_600_000.0), 64);
        assert_eq!(clock.advance(0, 0, 1000.0), 0);
    }
}
