//! Adaptive context statistics (ITU-T T.87 A.2.1, A.5.1, A.6, A.7.2).
//!
//! Bounds that keep the arithmetic in range: the decoder rejects mapped errors above RANGE, so
//! |Errval| ≤ 32768, and A grows by at most that much per sample between halvings at RESET
//! (≤ 65535 samples): A < 2^31. N ≥ 1 always, so the Golomb parameter search ends.

/// The order of the run-length code for each RUNindex (T.87 A.2.1, J[0..31]).
pub(super) const RUN_ORDER: [u32; 32] =
    [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// Smallest k with N·2^k ≥ A (T.87 A.5.1 code segment A.10), capped at 31. Computed from
/// the bit lengths: N·2^k has A's bit length for k = len(A) − len(N), so k is that or one more.
#[inline(always)]
fn golomb_parameter(count: i32, accumulated: i32) -> u32 {
    let count = (count as u32).max(1);
    let accumulated = accumulated as u32;
    if count >= accumulated {
        return 0;
    }
    let k = count.leading_zeros() - accumulated.leading_zeros();
    (k + u32::from((count << k) < accumulated)).min(31)
}

/// Initial value of A: max(2, ⌊(RANGE + 32) / 64⌋) (T.87 A.2.1).
pub(super) fn initial_accumulated(range: i32) -> i32 {
    ((range + 32) / 64).max(2)
}

/// Statistics of one regular-mode context: A (sum of |errors|), B (bias sum), C (bias
/// correction, −128..=127), N (occurrence count, ≤ RESET ≤ 65535), and the Golomb parameter k
/// for the current A and N, recomputed at each update so the decoder does not wait for it.
#[derive(Debug, Clone, Copy)]
pub(super) struct RegularContext {
    pub a: i32,
    pub b: i32,
    pub c: i16,
    pub n: u16,
    pub k: u32,
}

impl RegularContext {
    pub(super) fn new(range: i32) -> Self {
        let a = initial_accumulated(range);
        RegularContext { a, b: 0, c: 0, n: 1, k: golomb_parameter(1, a) }
    }

    /// In a lossless scan: all ones when the inverse error mapping is the special one of
    /// T.87 A.5.2 (k = 0 and 2·B ≤ −N), else zero; XOR-ing it with the regular inverse mapping
    /// gives it. Near-lossless scans never use the special mapping.
    #[inline(always)]
    pub(super) fn lossless_mapping_correction(&self) -> i32 {
        if self.k != 0 {
            0
        } else {
            (2 * self.b + i32::from(self.n) - 1) >> 31
        }
    }

    /// Updates A, B, N, the bias correction C (T.87 A.6.1, A.6.2) and k (A.5.1) after a
    /// sample.
    #[inline(always)]
    pub(super) fn update(&mut self, error: i32, near_scale: i32, reset: i32) {
        let mut a = self.a + error.abs();
        let mut b = self.b + error * near_scale;
        let mut n = i32::from(self.n);
        if n == reset {
            a >>= 1;
            b >>= 1;
            n >>= 1;
        }
        n += 1;
        if b + n <= 0 {
            b += n;
            if b <= -n {
                b = 1 - n;
            }
            if self.c > -128 {
                self.c -= 1;
            }
        } else if b > 0 {
            b -= n;
            if b > 0 {
                b = 0;
            }
            if self.c < 127 {
                self.c += 1;
            }
        }
        self.a = a;
        self.b = b;
        self.n = n as u16;
        self.k = golomb_parameter(n, a);
    }
}

/// Statistics of one run-interruption context (T.87 A.7.2): A, N and Nn (count of negative
/// errors); `interruption_type` is RItype (1 when Ra and Rb are within NEAR).
#[derive(Debug, Clone, Copy)]
pub(super) struct RunContext {
    pub a: i32,
    pub n: i32,
    pub negative: i32,
    pub interruption_type: i32,
}

impl RunContext {
    pub(super) fn new(range: i32, interruption_type: i32) -> Self {
        RunContext { a: initial_accumulated(range), n: 1, negative: 0, interruption_type }
    }

    /// The Golomb parameter for a run interruption sample (T.87 A.7.2.1, TEMP).
    #[inline]
    pub(super) fn golomb_k(&self) -> u32 {
        let temp = if self.interruption_type == 1 { self.a + (self.n >> 1) } else { self.a };
        golomb_parameter(self.n, temp)
    }

    /// Errval from EMErrval (inverse of T.87 A.7.2.2 code segment A.21).
    #[inline]
    pub(super) fn error_value(&self, mapped: i32, k: u32) -> i32 {
        let temp = mapped + self.interruption_type;
        let map = temp & 1 != 0;
        let magnitude = (temp + 1) >> 1;
        let negative_when_mapped = k != 0 || 2 * self.negative >= self.n;
        if negative_when_mapped == map {
            -magnitude
        } else {
            magnitude
        }
    }

    /// Updates A, N and Nn after a run interruption sample (T.87 A.7.2.3 code segment A.23).
    #[inline]
    pub(super) fn update(&mut self, error: i32, mapped: i32, reset: i32) {
        if error < 0 {
            self.negative += 1;
        }
        self.a += (mapped + 1 - self.interruption_type) >> 1;
        if self.n == reset {
            self.a >>= 1;
            self.n >>= 1;
            self.negative >>= 1;
        }
        self.n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golomb_parameter_search() {
        for count in 1..200 {
            for accumulated in 0..5000 {
                let mut k = 0;
                while (count << k) < accumulated {
                    k += 1;
                }
                assert_eq!(golomb_parameter(count, accumulated), k, "N={count} A={accumulated}");
            }
        }
        assert_eq!(golomb_parameter(1, 1), 0);
        assert_eq!(golomb_parameter(1, 2), 1);
        assert_eq!(golomb_parameter(3, 25), 4);
        assert_eq!(golomb_parameter(65535, i32::MAX), 16);
        assert_eq!(golomb_parameter(1, i32::MAX), 31);
    }

    #[test]
    fn run_error_mapping_inverts_encoder() {
        // Encoder mapping (T.87 A.7.2.2): EMErrval = 2|E| − RItype − map.
        for interruption_type in 0..2 {
            for negative in 0..4 {
                for k in 0..3u32 {
                    let ctx = RunContext { a: 4, n: 4, negative, interruption_type };
                    for error in -20i32..=20 {
                        if error == 0 && interruption_type == 1 {
                            continue;
                        }
                        let map = (k == 0 && error > 0 && 2 * negative < ctx.n)
                            || (error < 0 && 2 * negative >= ctx.n)
                            || (error < 0 && k != 0);
                        let mapped = 2 * error.abs() - interruption_type - i32::from(map);
                        assert_eq!(ctx.error_value(mapped, k), error, "E={error} k={k} Nn={negative}");
                    }
                }
            }
        }
    }
}
