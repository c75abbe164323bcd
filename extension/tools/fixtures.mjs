// Builds the fixture pages for the browser tests, benchmark and `make run`:
// the real editors from npm (Lexical, Draft.js, Quill, ProseMirror) bundled
// with esbuild into build/extension-fixtures/, one page per site.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ext = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(ext, '../build/extension-fixtures');
const src = join(ext, 'test/fixtures');
mkdirSync(out, { recursive: true });

/** A file of an npm package, from the workspace's node_modules at the top or one beside the extension. */
function moduleFile(spec) {
  for (let d = ext; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules', spec))) return join(d, 'node_modules', spec);
    if (dirname(d) === d) throw new Error(`fixtures: ${spec} is not installed; run npm ci at the top of the tree`);
  }
}

// page: the HTML file; js: the bundle (test/fixtures/<js>.js); editor: attributes of #editor;
// post: attributes of the site's Post / Reply button; label: its text.
const pages = [
  { name: 'lexical', title: 'Facebook (Lexical fixture)', css: 'base.css', editor: 'contenteditable="true" data-lexical-editor="true" role="textbox" aria-label="What\'s on your mind?"', post: 'aria-label="Post"' },
  { name: 'draft', title: 'X (Draft.js fixture)', css: 'Draft.css', editor: '', post: 'data-testid="tweetButton"' },
  { name: 'quill', title: 'LinkedIn (Quill fixture)', css: 'quill.core.css', editor: '', post: 'class="share-actions__primary-action"' },
  { name: 'instagram', js: 'lexical', title: 'Instagram (Lexical fixture)', css: 'base.css', editor: 'contenteditable="true" data-lexical-editor="true" role="textbox" aria-label="Write a caption..."', post: 'role="button" type="button"', label: 'Share' },
  { name: 'threads', js: 'lexical', title: 'Threads (Lexical fixture)', css: 'base.css', editor: 'contenteditable="true" data-lexical-editor="true" role="textbox" aria-label="Empty text field. Type to compose a new post."', post: 'type="button"', label: 'Post' },
  { name: 'youtube', js: 'plain', title: 'YouTube (contenteditable fixture)', css: 'base.css', editor: 'contenteditable="true" aria-label="Add a comment..." class="style-scope yt-formatted-string"', post: 'aria-label="Comment"', label: 'Comment' },
  { name: 'bluesky', js: 'prosemirror', title: 'Bluesky (ProseMirror fixture)', css: 'prosemirror.css', editor: '', post: 'aria-label="Publish post" data-testid="composerPublishBtn"', label: 'Post' },
  { name: 'reddit', js: 'lexicalrich', title: 'Reddit (Lexical rich text and markdown textarea fixture)', css: 'base.css', editor: 'contenteditable="true" data-lexical-editor="true" role="textbox" aria-label="Post body text field"', post: 'slot="submit-button" type="submit"', label: 'Post' },
];
await build({
  entryPoints: [...new Set(pages.map((p) => p.js ?? p.name))].map((js) => join(src, `${js}.js`)),
  bundle: true, minify: true, format: 'iife', target: 'chrome116', outdir: out, logLevel: 'warning',
  define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
});
const tpl = readFileSync(join(src, 'page.html'), 'utf8');
for (const p of pages) {
  const html = tpl.replaceAll('{{TITLE}}', p.title).replace('{{CSS}}', p.css).replace('{{JS}}', `${p.js ?? p.name}.js`)
    .replace('{{EDITOR_ATTRS}}', p.editor).replace('{{POST_ATTRS}}', p.post).replace('{{POST_LABEL}}', p.label ?? 'Post');
  writeFileSync(join(out, `${p.name}.html`), html);
}
copyFileSync(moduleFile('draft-js/dist/Draft.css'), join(out, 'Draft.css'));
copyFileSync(moduleFile('quill/dist/quill.core.css'), join(out, 'quill.core.css'));
copyFileSync(moduleFile('prosemirror-view/style/prosemirror.css'), join(out, 'prosemirror.css'));
copyFileSync(join(src, 'page.css'), join(out, 'page.css'));
writeFileSync(join(out, 'base.css'), '/* Lexical has no stylesheet of its own. */\n');
console.log(`fixtures: ${out}`);
