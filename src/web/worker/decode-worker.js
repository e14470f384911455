// Decode worker (module worker). It loads the page's own wasm-bindgen module, so the codecs
// are downloaded once: the page posts {init: {glue, module}} with the URL of the JS glue and
// the compiled WebAssembly.Module. Jobs: {id, blob, first, count} → {id, frames} with the
// frames' pixel buffers transferred (no copy), or {id, error}.
let bindings = null;
let failure = null;
const waiting = [];

async function handle(job) {
  if (failure) {
    self.postMessage({ id: job.id, error: failure });
    return;
  }
  try {
    const bytes = new Uint8Array(await job.blob.arrayBuffer());
    const frames = bindings.decode_frames(bytes, job.first, job.count);
    self.postMessage({ id: job.id, frames }, frames.map((f) => f.pixels.buffer));
  } catch (e) {
    self.postMessage({ id: job.id, error: String((e && e.message) || e) });
  }
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.init) {
    try {
      const glue = await import(message.init.glue);
      await glue.default({ module_or_path: message.init.module });
      bindings = glue;
    } catch (e) {
      failure = "the decoder could not start in a worker: " + String((e && e.message) || e);
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
