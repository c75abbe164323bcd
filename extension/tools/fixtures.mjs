// Builds the fixture pages for the browser tests, benchmark and `make run`:
// the real editors from npm (Lexical, Draft.js, Quill) bundled with esbuild
// into build/extension-fixtures/.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ext = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(ext, '../build/extension-fixtures');
const src = join(ext, 'test/fixtures');
mkdirSync(out, { recursive: true });

const pages = [
  { name: 'lexical', title: 'Facebook (Lexical fixture)', css: 'base.css', editor: 'contenteditable="true" data-lexical-editor="true" role="textbox" aria-label="What\'s on your mind?"', post: 'aria-label="Post"' },
  { name: 'draft', title: 'X (Draft.js fixture)', css: 'Draft.css', editor: '', post: 'data-testid="tweetButton"' },
  { name: 'quill', title: 'LinkedIn (Quill fixture)', css: 'quill.core.css', editor: '', post: 'class="share-actions__primary-action"' },
];
await build({
  entryPoints: pages.map((p) => join(src, `${p.name}.js`)),
  bundle: true, minify: true, format: 'iife', target: 'chrome116', outdir: out, logLevel: 'warning',
  define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
});
const tpl = readFileSync(join(src, 'page.html'), 'utf8');
for (const p of pages) {
  const html = tpl.replaceAll('{{TITLE}}', p.title).replace('{{CSS}}', p.css).replace('{{JS}}', `${p.name}.js`)
    .replace('{{EDITOR_ATTRS}}', p.editor).replace('{{POST_ATTRS}}', p.post);
  writeFileSync(join(out, `${p.name}.html`), html);
}
copyFileSync(join(ext, 'node_modules/draft-js/dist/Draft.css'), join(out, 'Draft.css'));
copyFileSync(join(ext, 'node_modules/quill/dist/quill.core.css'), join(out, 'quill.core.css'));
writeFileSync(join(out, 'base.css'), '/* Lexical has no stylesheet of its own. */\n');
console.log(`fixtures: ${out}`);
