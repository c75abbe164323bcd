// @ts-check
// The extension's benchmark page (chrome-extension://ID/bench/bench.html):
// module load, scan of a 3,000-character post inside the module, and the
// extension-page -> service worker -> offscreen scanner round trip.
// Results go to #out and to window.benchResult. Figures, not assertions.
import { fetchModule, keptModuleKey, loadPackagedModule, loadScanner, MODULE_CACHE } from '../src/scanner.js';
import { WARM_UP_POST } from '../src/engine.js';

const median = (/** @type {number[]} */ xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const round = (/** @type {number} */ x) => Math.round(x * 1000) / 1000;
const p90 = (/** @type {number[]} */ xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length * 0.9)]; };

export function post3000() {
  const base = 'Long shift in the ED tonight. My patient John Smith, MRN 44120931, was discharged today from room 214. ' +
    'Call 555-201-7788 with questions. Proud of the team for staying calm and kind through it all. ';
  let t = '';
  while (t.length < 3000) t += base;
  return t.slice(0, 3000);
}

async function run() {
  const text = post3000();
  // The load as the extension does it (fetchModule: compiled while it
  // downloads, then instantiated and initialised), and its parts measured
  // one after the other.
  const loads = [], streams = [], fetches = [], compiles = [], inits = [], gzFetches = [], plainStreams = [], gzBuffered = [], gzUnpacks = [];
  let warm = { warm_up_scan: 0, first_scan_after_warm_up: 0 };
  let scanner;
  for (let i = 0; i < 8; i++) {
    let t0 = performance.now();
    const streamed = await fetchModule('/scanner.wasm.gz', { cache: 'no-store' });
    const t1 = performance.now();
    const s = await loadScanner(streamed); // instantiate + _initialize
    const t2 = performance.now();
    loads.push(t2 - t0); streams.push(t1 - t0); inits.push(t2 - t1);
    if (i === 0) {
      s.scanCompact(WARM_UP_POST);
      const t3 = performance.now();
      s.scanCallOnly(new TextEncoder().encode(text));
      warm = { warm_up_scan: round(t3 - t2), first_scan_after_warm_up: round(performance.now() - t3) };
    }
    if (scanner) s.close(); else scanner = s;
    t0 = performance.now();
    const bytes = await (await fetch('/scanner.wasm', { cache: 'no-store' })).arrayBuffer();
    const t3 = performance.now();
    await WebAssembly.compile(bytes);
    fetches.push(t3 - t0); compiles.push(performance.now() - t3);
    // The plain file, as the extension loaded it before it shipped it gzipped.
    t0 = performance.now();
    await fetchModule('/scanner.wasm', { cache: 'no-store' });
    plainStreams.push(performance.now() - t0);
    t0 = performance.now();
    await (await fetch('/scanner.wasm.gz', { cache: 'no-store' })).arrayBuffer();
    gzFetches.push(performance.now() - t0);
    // The gzipped file read whole, unpacked whole, then compiled.
    t0 = performance.now();
    const gz = await (await fetch('/scanner.wasm.gz', { cache: 'no-store' })).blob();
    const unpacked = await new Response(gz.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
    const t4 = performance.now();
    await WebAssembly.compile(unpacked);
    gzBuffered.push(performance.now() - t0); gzUnpacks.push(t4 - t0);
  }
  // The load as the extension does it since the module is kept between
  // loads (loadPackagedModule): the first with nothing kept (fetch, unpack,
  // compile, keep), then from the Cache API.
  const kept = [], keptCompiles = [], coldKeeps = [];
  await caches.delete(MODULE_CACHE);
  for (let i = 0; i < 8; i++) {
    if (i % 4 === 0) await caches.delete(MODULE_CACHE);
    let t0 = performance.now();
    const m = await loadPackagedModule('/');
    const t1 = performance.now();
    const s = await loadScanner(m);
    const t2 = performance.now();
    s.close();
    if (i % 4 === 0) {
      coldKeeps.push(t2 - t0);
      for (let k = 0; k < 100 && !(await (await caches.open(MODULE_CACHE)).keys()).length; k++) await new Promise((r) => setTimeout(r, 10));
    } else { kept.push(t2 - t0); keptCompiles.push(t1 - t0); }
  }
  // Where the kept load goes: reading the kept bytes back from the Cache
  // API alone, and compiling bytes already in memory (no read).
  const keptReads = [], memCompiles = [];
  const id = (await (await fetch('/scanner.id')).text()).trim();
  const keptCache = await caches.open(MODULE_CACHE);
  for (let i = 0; i < 6; i++) {
    let t0 = performance.now();
    const hit = await keptCache.match(keptModuleKey(id));
    if (!hit) break;
    const kb = await hit.arrayBuffer();
    keptReads.push(performance.now() - t0);
    t0 = performance.now();
    await WebAssembly.compile(kb);
    memCompiles.push(performance.now() - t0);
  }
  if (!scanner) throw new Error('no scanner');
  scanner.configure('');
  // Timed in batches of ten: an extension page's clock ticks in 0.1 ms.
  const batch = 10;
  const scans = [], calls = [];
  let findings = 0, answerBytes = 0;
  const bytes = new TextEncoder().encode(text);
  // V8 compiles WebAssembly lazily, each function on its first call, then
  // optimises the hot ones in the background: the extension scans a fixed
  // post as part of each load (engine.js) to pay the first cost before a
  // clinician's first keystroke. Timed on the first module loaded (later
  // loads of the same bytes may reuse its compiled code), then enough scans
  // run for V8 to tier the module up before the steady-state figures, which
  // are what typing meets.
  for (let i = 0; i < 300; i++) scanner.scan(text);
  for (let i = 0; i < 40; i++) {
    let t0 = performance.now();
    for (let k = 0; k < batch; k++) answerBytes = scanner.scanCallOnly(bytes);
    calls.push((performance.now() - t0) / batch);
    t0 = performance.now();
    for (let k = 0; k < batch; k++) findings = scanner.scan(text).findings.length;
    scans.push((performance.now() - t0) / batch);
  }
  const rtts = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    const r = await chrome.runtime.sendMessage({ kind: 'scan', text });
    rtts.push(performance.now() - t0);
    if (!r?.result) throw new Error(`no scan result: ${JSON.stringify(r)}`);
  }
  const res = {
    module_load_ms: { median: median(loads), p90: p90(loads), runs: loads.length, first: loads[0],
      fetch_and_compile_streaming_median: median(streams), instantiate_and_initialize_median: median(inits),
      plain_fetch_and_compile_streaming_median: median(plainStreams),
      fetch_alone_median: median(fetches), gz_fetch_alone_median: median(gzFetches), compile_alone_median: median(compiles),
      gz_buffered_median: median(gzBuffered), gz_fetch_and_unpack_median: median(gzUnpacks),
      kept_load_median: median(kept), kept_compile_median: median(keptCompiles), first_keeping_load_median: median(coldKeeps),
      kept_read_alone_median: keptReads.length ? median(keptReads) : null, compile_from_memory_median: memCompiles.length ? median(memCompiles) : null,
      bytes: (await (await fetch('/scanner.wasm')).arrayBuffer()).byteLength,
      gz_bytes: (await (await fetch('/scanner.wasm.gz')).arrayBuffer()).byteLength,
      note: 'median: scanner.wasm.gz fetched, unpacked and compiled as it streams, then instantiated and initialised, as the extension loads with nothing kept; ' +
        'kept_load_median: the load as the extension does it once the unpacked module is kept in the Cache API (every load after the first), kept_compile_median its compile; ' +
        'first_keeping_load_median: the first load, which keeps the module; ' +
        'kept_read_alone_median: reading the kept module back from the Cache API, nothing compiled; compile_from_memory_median: compiling those bytes once read; ' +
        'first is the first load of the page (later ones may reuse compiled code); plain_... is the plain scanner.wasm streamed, for comparison' },
    scan_3000_in_module_ms: { median: round(median(calls)), p90: round(p90(calls)), runs: calls.length * batch, findings,
      answer_bytes: answerBytes, note: 'the exported discreet_scan call alone (text copied in, answer left unread)' },
    first_scans_ms: { ...warm, note: 'on the first module loaded: the scan of engine.js\'s fixed post that each load ends with (V8 compiling the functions a scan calls), then the first scan of the 3,000-character post' },
    scan_3000_with_client_ms: { median: round(median(scans)), p90: round(p90(scans)), runs: scans.length * batch,
      note: 'scanner.scan(): UTF-8 encoding, the call, and decoding and parsing the JSON answer' },
    extension_page_round_trip_ms: { median: median(rtts), p90: p90(rtts), runs: rtts.length },
  };
  /** @type {any} */ (window).benchResult = res;
  /** @type {HTMLElement} */ (document.getElementById('out')).textContent = JSON.stringify(res, null, 2);
}
run().catch((e) => {
  /** @type {any} */ (window).benchResult = { error: String(e) };
  /** @type {HTMLElement} */ (document.getElementById('out')).textContent = String(e);
});
