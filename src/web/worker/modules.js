// The decoder modules beside the page (README "Modules and sizes"): `decoder` (parsing and every
// codec but JPEG XL) and `decoder-jxl` (the same with JPEG XL), built by Trunk as worker modules
// with fixed names. The page's UI module carries no codec: it compiles `decoder` once after the
// first paint and posts the compiled module to each decode worker; it instantiates it on the page
// only when idle, for `window.wasmBindings` and for decoding when workers cannot start.
// `decoder-jxl` is fetched only when a JPEG XL frame arrives (an Error named JpegXlModuleNeeded).

const DECODER_GLUE = "decoder.js";
const DECODER_WASM = "decoder_bg.wasm";
const JPEG_XL_GLUE = "decoder-jxl.js";
const JPEG_XL_WASM = "decoder-jxl_bg.wasm";
export const JPEG_XL_MODULE_NEEDED = "JpegXlModuleNeeded";

let compiled = null;
let onPage = null;
let jpegXl = null;

function url(name, base) {
  return new URL(name, base).href;
}

// After the page's first paint (or 100 ms, for a tab in the background where frames never come).
function afterFirstPaint() {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(timer);
        resolve();
      }, 0),
    );
  });
}

async function compile(wasmUrl) {
  try {
    return await WebAssembly.compileStreaming(fetch(wasmUrl));
  } catch (streamingError) {
    // A server that sends .wasm without `application/wasm`: compile from the bytes.
    const response = await fetch(wasmUrl);
    if (!response.ok) throw new Error(`${wasmUrl}: HTTP ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

/// The URLs the decode workers need: {decoder: {glue}, jxl: {glue, wasm}} (absolute: a worker
/// started from a Blob URL cannot resolve relative ones).
export function worker_urls(base) {
  return {
    decoder: { glue: url(DECODER_GLUE, base) },
    jxl: { glue: url(JPEG_XL_GLUE, base), wasm: url(JPEG_XL_WASM, base) },
  };
}

/// The compiled `decoder` module (one fetch and one compile per page), started after the first
/// paint. Performance marks: decoder-fetch-start, decoder-compiled.
export function decoder_module(base) {
  if (!compiled) {
    compiled = afterFirstPaint().then(async () => {
      performance.mark("decoder-fetch-start");
      const module = await compile(url(DECODER_WASM, base));
      performance.mark("decoder-compiled");
      return module;
    });
  }
  return compiled;
}

async function loadJpegXl(base) {
  if (!jpegXl) {
    jpegXl = (async () => {
      const glue = await import(url(JPEG_XL_GLUE, base));
      await glue.default({ module_or_path: url(JPEG_XL_WASM, base) });
      return glue;
    })();
    jpegXl.catch(() => {
      jpegXl = null;
    });
  }
  return jpegXl;
}

function needsJpegXl(error) {
  return !!error && error.name === JPEG_XL_MODULE_NEEDED;
}

/// `decoder` instantiated on the page; then window.wasmBindings holds the UI module's exports
/// plus decode_frame, render_frame (synchronous; a JPEG XL file needs `await
/// wasmBindings.load_jpeg_xl()` first) and load_jpeg_xl. Performance mark: page-decoder-ready.
export function page_decoder(base) {
  if (!onPage) {
    onPage = (async () => {
      const module = await decoder_module(base);
      const glue = await import(url(DECODER_GLUE, base));
      await glue.default({ module_or_path: module });
      let jxl = null;
      const load_jpeg_xl = async () => {
        jxl = await loadJpegXl(base);
      };
      const either = (name) => (...args) => {
        try {
          return glue[name](...args);
        } catch (error) {
          if (!needsJpegXl(error)) throw error;
          if (jxl) return jxl[name](...args);
          load_jpeg_xl().catch(() => {});
          throw new Error(
            "this file is JPEG XL, whose decoder is a module of its own: " +
              "call again after `await wasmBindings.load_jpeg_xl()`",
          );
        }
      };
      const api = {
        decode_frame: either("decode_frame"),
        decode_frames: either("decode_frames"),
        render_frame: either("render_frame"),
        load_jpeg_xl,
      };
      // Trunk's loader set window.wasmBindings (the UI module's exports) before this ran.
      window.wasmBindings = Object.assign({}, window.wasmBindings || {}, api);
      performance.mark("page-decoder-ready");
      return { glue, loadJxl: load_jpeg_xl, jxl: () => jxl };
    })();
    onPage.catch(() => {
      onPage = null;
    });
  }
  return onPage;
}

/// Instantiates `decoder` on the page when the browser is idle (not before the first paint).
export function page_decoder_when_idle(base) {
  decoder_module(base).then(
    () => {
      const go = () => page_decoder(base).catch((e) => console.warn("the page's decoder could not start:", e));
      if (typeof requestIdleCallback === "function") requestIdleCallback(go, { timeout: 2000 });
      else setTimeout(go, 200);
    },
    () => {},
  );
}

/// Decodes frames `first .. first + count` on the page (when decode workers cannot start):
/// the same objects as the workers' `decode_frames`.
export async function decode_on_page(base, bytes, first, count) {
  const page = await page_decoder(base);
  try {
    return page.glue.decode_frames(bytes, first, count);
  } catch (error) {
    if (!needsJpegXl(error)) throw error;
    await page.loadJxl();
    return page.jxl().decode_frames(bytes, first, count);
  }
}
