// peer-bench plug-in (../shared/tools/peer-bench): times this viewer's `decode_frame`
// (parse + decode of frame 0, wasm heap copy included) beside Cornerstone's codecs, from the
// module the page's decode workers run (`decoder`; JPEG XL from `decoder-jxl`, as the workers
// do when `decoder` throws JpegXlModuleNeeded). Built and run by scripts/peer-bench.sh, which
// puts the wasm-bindgen output in ./pkg/.
import initDecoder, { decode_frame as decodeFrame } from './pkg/decoder.js';
import initJpegXl, { decode_frame as decodeFrameJpegXl } from './pkg/decoder-jxl.js';

export const name = 'rust-viewer';
export const label = 'this viewer (Rust/WASM decode_frame)';

class Unsupported extends Error {
  constructor(message) {
    super(message);
    this.name = 'Unsupported';
  }
}

export async function init() {
  await initDecoder();
  await initJpegXl();
}

function decode_frame(bytes, index) {
  try {
    return decodeFrame(bytes, index);
  } catch (error) {
    if (error && error.name === 'JpegXlModuleNeeded') return decodeFrameJpegXl(bytes, index);
    throw error;
  }
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
