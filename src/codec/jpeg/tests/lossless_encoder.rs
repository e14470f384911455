//! A minimal lossless JPEG encoder (ITU-T T.81 Annex H, Huffman, one fixed table) written for
//! these tests only: it makes the streams no available tool writes (every precision 2–16,
//! restart intervals, subsampled interleaved components, one scan per component).

/// One component: sampling factors and its samples at the padded MCU size (`width` per row),
/// already reduced by the point transform.
pub struct Component {
    pub horizontal: usize,
    pub vertical: usize,
    pub width: usize,
    pub height: usize,
    pub samples: Vec<u16>,
}

pub struct Settings {
    pub precision: u8,
    pub width: u16,
    pub height: u16,
    pub predictor: u8,
    pub point_transform: u8,
    pub restart_interval: u16,
    /// One scan with every component, or one scan per component.
    pub interleaved: bool,
}

struct BitWriter {
    bytes: Vec<u8>,
    accumulator: u32,
    count: u32,
}

impl BitWriter {
    fn put(&mut self, value: u32, bits: u32) {
        for bit in (0..bits).rev() {
            self.accumulator = (self.accumulator << 1) | ((value >> bit) & 1);
            self.count += 1;
            if self.count == 8 {
                let byte = self.accumulator as u8;
                self.bytes.push(byte);
                if byte == 0xFF {
                    self.bytes.push(0x00);
                }
                self.accumulator = 0;
                self.count = 0;
            }
        }
    }

    /// Pads the last byte with 1-bits (F.1.2.3).
    fn flush(&mut self) {
        if self.count > 0 {
            self.put(0x7F, 8 - self.count);
        }
    }
}

/// Every category 0..=16 gets the 5-bit code equal to its value.
const CODE_BITS: u32 = 5;

fn encode_difference(writer: &mut BitWriter, difference: i32) {
    // Differences are taken modulo 2^16 into -32767..=32768 (H.1.2.2).
    let wrapped = difference.rem_euclid(65536);
    let difference = if wrapped > 32768 { wrapped - 65536 } else { wrapped };
    let category = 32 - difference.unsigned_abs().leading_zeros();
    writer.put(category, CODE_BITS);
    if category == 16 || category == 0 {
        return;
    }
    let bits = if difference < 0 { difference - 1 } else { difference };
    writer.put(bits as u32 & ((1 << category) - 1), category);
}

fn predict(predictor: u8, left: i32, above: i32, above_left: i32) -> i32 {
    match predictor {
        1 => left,
        2 => above,
        3 => above_left,
        4 => left + above - above_left,
        5 => left + ((above - above_left) >> 1),
        6 => above + ((left - above_left) >> 1),
        _ => (left + above) >> 1,
    }
}

fn segment(out: &mut Vec<u8>, marker: u8, payload: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(payload);
}

/// The stream for `components` under `settings`.
pub fn encode(settings: &Settings, components: &[Component]) -> Vec<u8> {
    for component in components {
        assert_eq!(component.samples.len(), component.width * component.height, "component size");
    }
    let mut out = vec![0xFF, 0xD8];
    let mut frame = vec![settings.precision];
    frame.extend_from_slice(&settings.height.to_be_bytes());
    frame.extend_from_slice(&settings.width.to_be_bytes());
    frame.push(components.len() as u8);
    for (index, component) in components.iter().enumerate() {
        frame.extend_from_slice(&[index as u8 + 1, (component.horizontal << 4 | component.vertical) as u8, 0]);
    }
    segment(&mut out, 0xC3, &frame);
    let mut table = vec![0x00];
    let mut counts = [0u8; 16];
    counts[CODE_BITS as usize - 1] = 17;
    table.extend_from_slice(&counts);
    table.extend(0..=16u8);
    segment(&mut out, 0xC4, &table);
    if settings.restart_interval > 0 {
        segment(&mut out, 0xDD, &settings.restart_interval.to_be_bytes());
    }
    let scans: Vec<Vec<usize>> = if settings.interleaved {
        vec![(0..components.len()).collect()]
    } else {
        (0..components.len()).map(|index| vec![index]).collect()
    };
    let max_h = components.iter().map(|c| c.horizontal).max().unwrap();
    let max_v = components.iter().map(|c| c.vertical).max().unwrap();
    for scan in scans {
        let mut header = vec![scan.len() as u8];
        for &index in &scan {
            header.extend_from_slice(&[index as u8 + 1, 0x00]);
        }
        header.extend_from_slice(&[settings.predictor, 0, settings.point_transform]);
        segment(&mut out, 0xDA, &header);

        // The MCU grid: one sample per MCU alone, Hi×Vi samples per MCU interleaved.
        let (mcus_wide, mcus_high, units): (usize, usize, Vec<(usize, usize)>) = if let [only] = scan.as_slice() {
            let c = &components[*only];
            let width = (usize::from(settings.width) * c.horizontal).div_ceil(max_h);
            let height = (usize::from(settings.height) * c.vertical).div_ceil(max_v);
            (width, height, vec![(1, 1)])
        } else {
            (
                usize::from(settings.width).div_ceil(max_h),
                usize::from(settings.height).div_ceil(max_v),
                scan.iter().map(|&i| (components[i].horizontal, components[i].vertical)).collect(),
            )
        };
        let initial = 1i32 << (settings.precision - settings.point_transform - 1);
        let mut writer = BitWriter { bytes: Vec::new(), accumulator: 0, count: 0 };
        let mut interval_first_row = 0;
        let mut restart_number = 0u8;
        for mcu in 0..mcus_wide * mcus_high {
            let (mcu_row, mcu_column) = (mcu / mcus_wide, mcu % mcus_wide);
            if settings.restart_interval > 0 && mcu > 0 && mcu % usize::from(settings.restart_interval) == 0 {
                writer.flush();
                writer.bytes.extend_from_slice(&[0xFF, 0xD0 + restart_number]);
                restart_number = (restart_number + 1) % 8;
                interval_first_row = mcu_row;
            }
            for (&index, &(units_wide, units_high)) in scan.iter().zip(&units) {
                let c = &components[index];
                for unit_row in 0..units_high {
                    for unit_column in 0..units_wide {
                        let (x, y) = (mcu_column * units_wide + unit_column, mcu_row * units_high + unit_row);
                        let at = |x: usize, y: usize| i32::from(c.samples[y * c.width + x]);
                        let prediction = if y == interval_first_row * units_high {
                            if x == 0 {
                                initial
                            } else {
                                at(x - 1, y)
                            }
                        } else if x == 0 {
                            at(x, y - 1)
                        } else {
                            predict(settings.predictor, at(x - 1, y), at(x, y - 1), at(x - 1, y - 1))
                        };
                        encode_difference(&mut writer, at(x, y) - prediction);
                    }
                }
            }
        }
        writer.flush();
        out.extend_from_slice(&writer.bytes);
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}
