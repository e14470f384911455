//! Decoding of one line of samples: context determination, regular mode and run mode
//! (ITU-T T.87 A.3 to A.7).
//!
//! Line buffers hold `width + 2` pixels: index 0 is the edge sample left of the line and index
//! `width + 1` the one right of it, set by the caller as T.87 A.2.1 prescribes. For sample
//! interleaving a pixel is `components` consecutive values.
//!
//! Invalid data does not interrupt a line: it is recorded in the bit reader and values are
//! kept in range (samples clamped to 0..=MAXVAL, errors to RANGE, runs to the line), so the
//! loops stay bounded and the caller reports the error once the line is done.

use super::bit_reader::{BitReader, Cursor};
use super::context::{RegularContext, RunContext, RUN_ORDER};
use super::params::CodingParameters;

/// Number of regular contexts: (9³ + 1) / 2 after merging contexts of opposite sign (A.3.4),
/// rounded up to a power of two so a mask keeps indices in range without a bounds check.
const REGULAR_CONTEXTS: usize = 512;

/// Size of the gradient quantizer table: every difference of two 16-bit samples.
const QUANT_SIZE: usize = 1 << 17;
/// Index of gradient 0 in the quantizer table.
const QUANT_OFFSET: i32 = 65535;

/// Q(D) at index D + QUANT_OFFSET (only −MAXVAL..=MAXVAL is filled).
type QuantTable = [i8; QUANT_SIZE];

/// Most components a sample-interleaved scan may have here.
pub(super) const MAX_INTERLEAVED: usize = 4;

/// Scalar parameters of the hot loop, copied into locals.
#[derive(Debug, Clone, Copy)]
struct Constants {
    max_value: i32,
    near: i32,
    /// 2·NEAR + 1.
    near_scale: i32,
    /// RANGE·(2·NEAR + 1), the modulo of the reconstruction (A.4.4).
    range_scale: i32,
    /// Largest mapped error value accepted (RANGE).
    max_mapped: u32,
    reset: i32,
    qbpp: u32,
    limit: u32,
    /// LIMIT − qbpp − 1: the unary prefix that escapes to a qbpp-bit value (A.5.3).
    max_zeros: u32,
}

/// The decoding state of one scan: parameters, gradient quantizer table and contexts.
pub(super) struct LineDecoder {
    constants: Constants,
    /// LOSSLESS_MASKED, LOSSLESS or NEAR_LOSSLESS.
    mode: u8,
    /// Q(D) at index D + QUANT_OFFSET, QUANT_SIZE entries.
    quant: Box<[i8]>,
    regular: [RegularContext; REGULAR_CONTEXTS],
    run: [RunContext; 2],
    range: i32,
}

/// The median edge detector predictor (T.87 A.4.1).
#[inline(always)]
fn predict(ra: i32, rb: i32, rc: i32) -> i32 {
    // Written as selects so it compiles without data-dependent branches.
    let low = ra.min(rb);
    let high = ra.max(rb);
    let planar = ra + rb - rc;
    let value = if rc <= low { high } else { planar };
    if rc >= high {
        low
    } else {
        value
    }
}

/// Errval from MErrval under the regular inverse mapping (A.5.2).
#[inline(always)]
fn unmap(mapped: u32) -> i32 {
    ((mapped >> 1) as i32) ^ -((mapped & 1) as i32)
}

/// Q1·81 + Q2·9 + Q3 for the gradients D1 = Rd − Rb, D2 = Rb − Rc, D3 = Rc − Ra (A.3).
#[inline(always)]
fn context_id(quant: &QuantTable, ra: i32, rb: i32, rc: i32, rd: i32) -> i32 {
    let q = |gradient: i32| i32::from(quant[(gradient + QUANT_OFFSET) as usize & (QUANT_SIZE - 1)]);
    q(rd - rb) * 81 + q(rb - rc) * 9 + q(rc - ra)
}

/// Lossless with RANGE a power of two: the modulo reduction is a mask with MAXVAL.
const LOSSLESS_MASKED: u8 = 0;
/// Lossless with another MAXVAL.
const LOSSLESS: u8 = 1;
/// Near-lossless (NEAR > 0): no special error mapping (A.5.2), errors scaled by 2·NEAR + 1.
const NEAR_LOSSLESS: u8 = 2;

/// Rx from the prediction and the scaled error, with the modulo reduction and clamping of
/// T.87 A.4.4 / A.7.2, for the coding `MODE`.
#[inline(always)]
fn reconstruct<const MODE: u8>(c: &Constants, predicted: i32, scaled_error: i32) -> i32 {
    let value = predicted + scaled_error;
    if MODE == LOSSLESS_MASKED {
        return value & c.max_value;
    }
    let near = if MODE == LOSSLESS { 0 } else { c.near };
    let value = if value < -near {
        value + c.range_scale
    } else if value > c.max_value + near {
        value - c.range_scale
    } else {
        value
    };
    value.clamp(0, c.max_value)
}

/// Decodes one sample in regular mode (A.4 to A.6) for the signed context id `q` (zero only
/// in sample interleaving), in the coding `MODE`.
#[inline(always)]
fn decode_regular<const MODE: u8>(
    c: &Constants,
    contexts: &mut [RegularContext; REGULAR_CONTEXTS],
    reader: &mut Cursor,
    q: i32,
    predicted: i32,
) -> i32 {
    // NEAR is 0 and the scale 1 in lossless modes, known at compile time.
    let near_scale = if MODE == NEAR_LOSSLESS { c.near_scale } else { 1 };
    let sign = q >> 31;
    let index = ((q ^ sign) - sign) as usize & (REGULAR_CONTEXTS - 1);
    let context = &mut contexts[index];
    // Prediction correction (A.4.2).
    let predicted = (predicted + ((i32::from(context.c) ^ sign) - sign)).clamp(0, c.max_value);
    let mut mapped = reader.read_golomb(context.k, c.max_zeros, c.qbpp);
    if mapped > c.max_mapped {
        reader.mark_corrupt("prediction error outside RANGE");
        mapped = c.max_mapped;
    }
    let correction = if MODE == NEAR_LOSSLESS { 0 } else { context.lossless_mapping_correction() };
    let error = unmap(mapped) ^ correction;
    context.update(error, near_scale, c.reset);
    let error = (error ^ sign) - sign;
    reconstruct::<MODE>(c, predicted, error * near_scale)
}

/// Decodes the run length of a run starting with `remaining` samples left in the line
/// (A.7.1.2). Returns the number of samples equal to Ra. Inlined, like the other functions
/// that take the cursor, so the bit cache stays in registers (WASM locals).
#[inline(always)]
fn decode_run_length(reader: &mut Cursor, remaining: usize, run_index: &mut usize) -> usize {
    let mut count = 0usize;
    while reader.read_bit() {
        let order = RUN_ORDER[(*run_index).min(31)];
        let full = 1usize << order;
        let taken = full.min(remaining - count);
        count += taken;
        if taken == full {
            *run_index = (*run_index + 1).min(31);
        }
        if count == remaining {
            return count;
        }
    }
    count += reader.read_bits(RUN_ORDER[(*run_index).min(31)]) as usize;
    if count > remaining {
        reader.mark_corrupt("run longer than the rest of the line");
        return remaining;
    }
    count
}

/// Decodes the error of a run interruption sample with the context `context` (A.7.2).
#[inline(always)]
fn decode_interruption_error(c: &Constants, context: &mut RunContext, reader: &mut Cursor, run_index: usize) -> i32 {
    let order = RUN_ORDER[run_index.min(31)];
    // The code word is limited to LIMIT − J[RUNindex] − 1 bits.
    let max_zeros = c.limit.saturating_sub(order + 1 + c.qbpp + 1);
    let k = context.golomb_k();
    let mut mapped = reader.read_golomb(k, max_zeros, c.qbpp);
    if mapped > c.max_mapped {
        reader.mark_corrupt("run interruption error outside RANGE");
        mapped = c.max_mapped;
    }
    let mapped = mapped as i32;
    let error = context.error_value(mapped, k);
    context.update(error, mapped, c.reset);
    error
}

/// A run interruption sample of a single-component line (A.7.2): RItype from |Ra − Rb|.
#[inline(always)]
fn decode_interruption<const MODE: u8>(
    c: &Constants,
    run_contexts: &mut [RunContext; 2],
    reader: &mut Cursor,
    ra: i32,
    rb: i32,
    run_index: usize,
) -> i32 {
    if (ra - rb).abs() <= c.near {
        let error = decode_interruption_error(c, &mut run_contexts[1], reader, run_index);
        reconstruct::<MODE>(c, ra, error * c.near_scale)
    } else {
        let error = decode_interruption_error(c, &mut run_contexts[0], reader, run_index);
        let error = if rb < ra { -error } else { error };
        reconstruct::<MODE>(c, rb, error * c.near_scale)
    }
}

impl LineDecoder {
    pub(super) fn new(params: &CodingParameters) -> Self {
        let max_value = params.max_value;
        let mut quant = vec![0i8; QUANT_SIZE].into_boxed_slice();
        for (low, high, value) in params.quantizer_regions() {
            let (low, high) = (low.max(-max_value), high.min(max_value));
            if low <= high {
                if let Some(region) = quant.get_mut((low + QUANT_OFFSET) as usize..=(high + QUANT_OFFSET) as usize) {
                    region.fill(value);
                }
            }
        }
        LineDecoder {
            constants: Constants {
                max_value,
                near: params.near,
                near_scale: 2 * params.near + 1,
                range_scale: params.range * (2 * params.near + 1),
                max_mapped: params.range as u32,
                reset: params.reset,
                qbpp: params.qbpp,
                limit: params.limit,
                max_zeros: params.limit.saturating_sub(params.qbpp + 1),
            },
            mode: if params.near > 0 {
                NEAR_LOSSLESS
            } else if max_value & (max_value + 1) == 0 {
                LOSSLESS_MASKED
            } else {
                LOSSLESS
            },
            quant,
            regular: [RegularContext::new(params.range); REGULAR_CONTEXTS],
            run: [RunContext::new(params.range, 0), RunContext::new(params.range, 1)],
            range: params.range,
        }
    }

    /// Restores the initial context statistics (A.2.1), at the start of a scan and after
    /// each restart marker.
    pub(super) fn reset_contexts(&mut self) {
        self.regular = [RegularContext::new(self.range); REGULAR_CONTEXTS];
        self.run = [RunContext::new(self.range, 0), RunContext::new(self.range, 1)];
    }

    /// Decodes one line of one component (interleave modes none and line). `previous` and
    /// `current` must have the same length.
    pub(super) fn decode_line(
        &mut self,
        reader: &mut BitReader,
        previous: &[i32],
        current: &mut [i32],
        run_index: &mut usize,
    ) {
        let mut cursor = reader.cursor();
        match self.mode {
            LOSSLESS_MASKED => self.decode_line_with::<LOSSLESS_MASKED>(&mut cursor, previous, current, run_index),
            LOSSLESS => self.decode_line_with::<LOSSLESS>(&mut cursor, previous, current, run_index),
            _ => self.decode_line_with::<NEAR_LOSSLESS>(&mut cursor, previous, current, run_index),
        }
    }

    #[inline(always)]
    fn decode_line_with<const MODE: u8>(
        &mut self,
        reader: &mut Cursor,
        previous: &[i32],
        current: &mut [i32],
        run_index: &mut usize,
    ) {
        let c = self.constants;
        let Ok(quant) = <&QuantTable>::try_from(&self.quant[..]) else {
            return;
        };
        let regular = &mut self.regular;
        let run_contexts = &mut self.run;
        let length = current.len().min(previous.len());
        if length < 3 {
            return;
        }
        let width = length - 2;
        let current = &mut current[..length];
        let previous = &previous[..length];
        let mut x = 0usize;
        let mut ra = current[0];
        let mut rc = previous[0];
        let mut rb = previous[1];
        while x < width {
            let rd = previous[x + 2];
            let q = context_id(quant, ra, rb, rc, rd);
            if q != 0 {
                ra = decode_regular::<MODE>(&c, regular, reader, q, predict(ra, rb, rc));
                current[x + 1] = ra;
                x += 1;
                rc = rb;
                rb = rd;
            } else {
                // Run mode (A.7): samples equal to Ra, then possibly an interruption sample.
                let count = decode_run_length(reader, width - x, run_index);
                if let Some(run) = current.get_mut(x + 1..x + 1 + count) {
                    run.fill(ra);
                }
                x += count;
                if x < width {
                    let rb_end = previous[x + 1];
                    ra = decode_interruption::<MODE>(&c, run_contexts, reader, ra, rb_end, *run_index);
                    current[x + 1] = ra;
                    *run_index = run_index.saturating_sub(1);
                    x += 1;
                    rc = rb_end;
                    rb = previous[x + 1];
                }
            }
        }
    }

    /// Decodes one line of `components` sample-interleaved components (interleave mode
    /// sample): run mode only when every component's context is zero; run interruption
    /// samples use the RItype 0 context per component, as CharLS and the HP reference do.
    /// `previous` and `current` must have the same length.
    pub(super) fn decode_line_interleaved(
        &mut self,
        reader: &mut BitReader,
        previous: &[i32],
        current: &mut [i32],
        components: usize,
        run_index: &mut usize,
    ) {
        let mut cursor = reader.cursor();
        if self.mode == NEAR_LOSSLESS {
            self.decode_interleaved_with::<NEAR_LOSSLESS>(&mut cursor, previous, current, components, run_index);
        } else {
            self.decode_interleaved_with::<LOSSLESS>(&mut cursor, previous, current, components, run_index);
        }
    }

    fn decode_interleaved_with<const MODE: u8>(
        &mut self,
        reader: &mut Cursor,
        previous: &[i32],
        current: &mut [i32],
        components: usize,
        run_index: &mut usize,
    ) {
        if components == 0 || components > MAX_INTERLEAVED {
            return;
        }
        let c = self.constants;
        let Ok(quant) = <&QuantTable>::try_from(&self.quant[..]) else {
            return;
        };
        let regular = &mut self.regular;
        let run_contexts = &mut self.run;
        let width = (current.len().min(previous.len()) / components).saturating_sub(2);
        let size = (width + 2) * components;
        let (Some(previous), Some(current)) = (previous.get(..size), current.get_mut(..size)) else {
            return;
        };
        let mut x = 0usize;
        while x < width {
            let pixel = (x + 1) * components;
            let mut contexts = [0i32; MAX_INTERLEAVED];
            for (component, q) in contexts.iter_mut().enumerate().take(components) {
                let ra = current[pixel - components + component];
                let rc = previous[pixel - components + component];
                let rb = previous[pixel + component];
                let rd = previous[pixel + components + component];
                *q = context_id(quant, ra, rb, rc, rd);
            }
            if contexts.iter().any(|&q| q != 0) {
                for (component, &q) in contexts.iter().enumerate().take(components) {
                    let ra = current[pixel - components + component];
                    let rc = previous[pixel - components + component];
                    let rb = previous[pixel + component];
                    // A component with flat gradients uses context 0 in regular mode here.
                    current[pixel + component] = decode_regular::<MODE>(&c, regular, reader, q, predict(ra, rb, rc));
                }
                x += 1;
                continue;
            }
            let count = decode_run_length(reader, width - x, run_index);
            for i in 0..count * components {
                current[pixel + i] = current[pixel - components + i % components];
            }
            x += count;
            if x < width {
                let end = (x + 1) * components;
                for component in 0..components {
                    let ra = current[pixel - components + component];
                    let rb = previous[end + component];
                    let error = decode_interruption_error(&c, &mut run_contexts[0], reader, *run_index);
                    let error = if rb < ra { -error } else { error };
                    current[end + component] = reconstruct::<MODE>(&c, rb, error * c.near_scale);
                }
                *run_index = run_index.saturating_sub(1);
                x += 1;
            }
        }
    }
}
