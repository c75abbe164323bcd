// Builds the unpacked extensions: build/extension/chrome and build/extension/firefox.
// Both get the same src/ tree (plain ES modules, copied as they are) and
// scanner.wasm; each gets its manifest: manifest/base.json merged with
// manifest/<browser>.json (arrays and scalars replace, objects merge).
//   node tools/build.mjs [--wasm path] [--out dir]
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeIcons } from './icons.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ext = resolve(here, '..');
const root = resolve(ext, '..');
const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const wasm = resolve(arg('--wasm', join(root, 'host/wasmhost/module/scanner.wasm')));
const out = resolve(arg('--out', join(root, 'build/extension')));

function merge(a, b) {
  const o = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (k === '//') continue;
    o[k] = v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object' && !Array.isArray(a[k]) ? merge(a[k], v) : v;
  }
  return o;
}

if (!existsSync(wasm)) {
  console.error(`build: ${wasm} is missing; run "make wasm" first`);
  process.exit(1);
}
const base = JSON.parse(readFileSync(join(ext, 'manifest/base.json'), 'utf8'));
const icons = makeIcons();
for (const browser of ['chrome', 'firefox']) {
  const dir = join(out, browser);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(ext, 'src'), join(dir, 'src'), { recursive: true });
  if (browser === 'chrome') rmSync(join(dir, 'src/background/firefox.js'));
  else { rmSync(join(dir, 'src/background/sw.js')); rmSync(join(dir, 'src/offscreen'), { recursive: true }); }
  cpSync(wasm, join(dir, 'scanner.wasm'));
  mkdirSync(join(dir, 'icons'));
  for (const [size, png] of Object.entries(icons)) writeFileSync(join(dir, `icons/${size}.png`), png);
  const m = merge(base, JSON.parse(readFileSync(join(ext, `manifest/${browser}.json`), 'utf8')));
  if (m.storage?.managed_schema) cpSync(join(ext, 'managed_schema.json'), join(dir, 'managed_schema.json'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
  console.log(`build: ${dir}`);
}
