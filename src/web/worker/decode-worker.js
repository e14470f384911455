// Decode worker (module worker). It runs the `decoder` module (README "Modules and sizes"),
// compiled once by the page: the page posts {init: {decoder: {glue, module}, jxl: {glue, wasm}}}
// (absolute URLs, the compiled WebAssembly.Module) or {init: {error}}, and the worker answers
// {ready: true} or {ready: false, error}. A JPEG XL frame makes `decoder` throw an Error named
// JpegXlModuleNeeded: the worker then imports `decoder-jxl` (once, then says {loaded:
// "decoder-jxl"}) and asks it.
// Jobs: {id, blob, first, count} → {id, frames} with the frames' pixel buffers transferred
// (no copy), or {id, error}.
let bindings = null;
let jxlUrls = null;
let jxl = null;
let failure = null;
const waiting = [];

function loadJpegXl() {
  if (!jxl) {
    jxl = (async () => {
      const glue = await import(jxlUrls.glue);
      await glue.default({ module_or_path: jxlUrls.wasm });
      self.postMessage({ loaded: "decoder-jxl" });
      return glue;
    })();
    jxl.catch(() => {
      jxl = null;
    });
  }
  return jxl;
}

async function decodeFrames(bytes, first, count) {
  try {
    return bindings.decode_frames(bytes, first, count);
  } catch (e) {
    if (!e || e.name !== "JpegXlModuleNeeded" || !jxlUrls) throw e;
    let glue;
    try {
      glue = await loadJpegXl();
    } catch (loadError) {
      throw new Error("the JPEG XL decoder could not be loaded: " + String((loadError && loadError.message) || loadError));
    }
    return glue.decode_frames(bytes, first, count);
  }
}

async function handle(job) {
  if (failure) {
    self.postMessage({ id: job.id, error: failure });
    return;
  }
  try {
    const bytes = new Uint8Array(await job.blob.arrayBuffer());
    const frames = await decodeFrames(bytes, job.first, job.count);
    self.postMessage({ id: job.id, frames }, frames.map((f) => f.pixels.buffer));
  } catch (e) {
    self.postMessage({ id: job.id, error: String((e && e.message) || e) });
  }
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.init) {
    try {
      if (message.init.error) throw new Error(message.init.error);
      const glue = await import(message.init.decoder.glue);
      await glue.default({ module_or_path: message.init.decoder.module });
      jxlUrls = message.init.jxl || null;
      bindings = glue;
      self.postMessage({ ready: true });
    } catch (e) {
      failure = "the decoder could not start in a worker: " + String((e && e.message) || e);
      self.postMessage({ ready: false, error: failure });
    }
    for (const job of waiting.splice(0)) handle(job);
    return;
  }
  if (!bindings && !failure) {
    waiting.push(message);
    return;
  }
  handle(message);
};
