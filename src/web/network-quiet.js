// Resolves once the page has finished no fetch for `quietMs` (every DICOMweb, archive or module
// response ends a Resource Timing entry), or after `maxMs` at the latest. The service worker's
// precache waits for this, so it never competes with a deep link's series for the network.
export function whenNetworkQuiet(quietMs, maxMs) {
  return new Promise((resolve) => {
    const start = performance.now();
    let last = start;
    let observer = null;
    try {
      observer = new PerformanceObserver(() => {
        last = performance.now();
      });
      observer.observe({ type: "resource" });
    } catch (e) {
      observer = null;
    }
    const check = () => {
      const now = performance.now();
      if (now - last >= quietMs || now - start >= maxMs) {
        if (observer) observer.disconnect();
        resolve();
      } else {
        setTimeout(check, 250);
      }
    };
    setTimeout(check, quietMs);
  });
}
