// What a search query loads: serves a built site on 127.0.0.1, opens
// /search/?q=QUERY in headless Chromium (Debian's, through playwright-core
// from tests/browser/node_modules), waits until the live region says how
// many results there are, and sums the bytes of every response (headers and
// body, as served: no HTTP compression), split into the search files
// (pagefind/) and the page itself (HTML, CSS, our script).
//
//   node bench/search-weight.mjs PUBLIC_DIR "online swale 20" "lunch club" ...
//
// Prints one Markdown table row per query; exit 1 if a query finds nothing.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

const [dir, ...queries] = process.argv.slice(2);
const root = dir && path.resolve(dir);
if (!root || !queries.length) {
  console.error('usage: node bench/search-weight.mjs PUBLIC_DIR QUERY...');
  process.exit(2);
}
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png' };
const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let file = path.join(root, p);
  if (!file.startsWith(root)) { res.writeHead(403); res.end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  fs.readFile(file, (err, body) => {
    if (err) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'content-length': body.length, 'cache-control': 'no-store' });
    res.end(body);
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
console.log('| query | results | search files KB | page KB | total KB | requests |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const q of queries) {
  // A fresh context per query: nothing cached from the last one.
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await ctx.route((u) => !u.href.startsWith(`${origin}/`), (route) => route.abort('blockedbyclient'));
  const page = await ctx.newPage();
  const sizes = [];
  page.on('requestfinished', (req) => sizes.push(req.sizes().then((s) => ({ url: req.url(), bytes: s.responseBodySize + s.responseHeadersSize }))));
  await page.goto(`${origin}/search/?q=${encodeURIComponent(q)}`, { waitUntil: 'load' });
  await page.waitForFunction(() => /^(\d+ results? for|No results for)/.test((document.querySelector('[role="status"]') || {}).textContent?.trim() || ''), null, { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  const status = (await page.locator('[role="status"]').textContent()).trim();
  const all = await Promise.all(sizes);
  const search = all.filter((s) => new URL(s.url).pathname.startsWith('/pagefind/')).reduce((a, s) => a + s.bytes, 0);
  const total = all.reduce((a, s) => a + s.bytes, 0);
  const count = Number((/^(\d+)/.exec(status) || [])[1] || 0);
  if (!count) failed = true;
  console.log(`| ${q} | ${count} | ${(search / 1024).toFixed(1)} | ${((total - search) / 1024).toFixed(1)} | ${(total / 1024).toFixed(1)} | ${all.length} |`);
  await ctx.close();
}
await browser.close();
server.close();
process.exit(failed ? 1 : 0);
