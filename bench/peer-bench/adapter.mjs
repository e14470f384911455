// peer-bench plug-in (../shared/tools/peer-bench): times this viewer's `decode_frame`
// (parse + decode of frame 0, wasm heap copy included) beside Cornerstone's codecs.
// Built and run by scripts/peer-bench.sh, which puts the wasm-bindgen output in ./pkg/.
import initWasm, { decode_frame } from './pkg/dicom-viewer.js';

export const name = 'rust-viewer';
export const label = 'this viewer (Rust/WASM decode_frame)';

class Unsupported extends Error {
  constructor(message) {
    super(message);
    this.name = 'Unsupported';
  }
}

export async function init() {
  await initWasm();
}

export async function decode(bytes) {
  let frame;
  try {
    frame = decode_frame(bytes, 0);
  } catch (error) {
    if (/cannot decode|not supported|transfer syntax/.test(String(error && error.message))) {
      throw new Unsupported(error.message);
    }
    throw error;
  }
  return {
    width: frame.columns,
    height: frame.rows,
    samplesPerPixel: frame.samples_per_pixel,
    bitsAllocated: frame.bits_allocated,
    pixels: frame.pixels,
    planar: false,
  };
}
