#!/usr/bin/env node
// Real-browser accessibility audit of a built plainsight site.
//
//   node tests/browser/audit.mjs PUBLIC_DIR [--screenshots OUT_DIR]
//
// Serves PUBLIC_DIR on 127.0.0.1 (ephemeral port), opens every .html page in
// Debian's headless Chromium through playwright-core, and runs, per page:
//   axe        axe-core, WCAG 2.0/2.1/2.2 A+AA tags; any violation fails
//   structure  axe best-practice structure rules (heading order, landmarks,
//              one h1, skip-link target) + tables need <caption> and <th>
//   keyboard   first Tab stop is a visible skip link into <main>; Enter moves
//              focus into <main>
//   reflow     no horizontal scrolling at a 320x640 viewport
//   axe-phone  axe-core again at 320x640, on one page of each page type
//              (narrow layouts differ: stacked tables, wrapped lists)
//   resize     root font-size 200% at 1280 wide: text grows, no horizontal
//              scrolling, no clipped text (heuristic, see README.md)
//   links      internal href/src/action targets exist; #fragments exist
// and once over the whole directory the Nu HTML checker (vnu.jar, HTML + CSS),
// counted per file. Ends with the line "N passed, M failed".
// Exit status: 0 all passed, 1 some check failed, 2 setup error.

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
// Best-practice rules (not tagged WCAG in axe) that police the structure
// WCAG 1.3.1 / 2.4.1 / 2.4.6 rely on. Enabled by rule id in a second run.
const STRUCTURE_RULES = [
  'heading-order', 'page-has-heading-one', 'empty-heading',
  'landmark-one-main', 'landmark-no-duplicate-main', 'landmark-unique',
  'landmark-banner-is-top-level', 'landmark-contentinfo-is-top-level',
  'landmark-main-is-top-level', 'landmark-no-duplicate-banner',
  'landmark-no-duplicate-contentinfo', 'region', 'skip-link', 'empty-table-header',
];
const CHECKS = ['axe', 'structure', 'keyboard', 'reflow', 'axe-phone', 'resize', 'links'];
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync'];
const NAV_TIMEOUT_MS = 20_000;     // one page load
const CHECK_TIMEOUT_MS = 45_000;   // one check on one page, load included
const VNU_TIMEOUT_MS = 240_000;    // whole Nu checker run
const WORKERS = Math.max(1, Math.min(2, os.cpus().length)); // pages in flight

class SetupError extends Error {}

// ---------------------------------------------------------------- arguments
function parseArgs(argv) {
  let publicDir = null;
  let shots = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--screenshots') {
      shots = argv[++i];
      if (!shots) throw new SetupError('--screenshots needs a directory');
    } else if (a.startsWith('--screenshots=')) {
      shots = a.slice('--screenshots='.length);
    } else if (a === '-h' || a === '--help') {
      console.log('usage: node tests/browser/audit.mjs PUBLIC_DIR [--screenshots OUT_DIR]');
      process.exit(0);
    } else if (a.startsWith('--')) {
      throw new SetupError(`unknown option ${a}`);
    } else if (!publicDir) {
      publicDir = a;
    } else {
      throw new SetupError(`unexpected argument ${a}`);
    }
  }
  if (!publicDir) throw new SetupError('usage: node tests/browser/audit.mjs PUBLIC_DIR [--screenshots OUT_DIR]');
  return { publicDir: path.resolve(publicDir), shots: shots && path.resolve(shots) };
}

// ---------------------------------------------------------------- files
async function walk(dir, rel = '') {
  const out = [];
  const entries = await fsp.readdir(path.join(dir, rel), { withFileTypes: true });
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...await walk(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

// URL path of a page file: "decisions/index.html" -> "/decisions/".
function urlPathFor(rel) {
  const enc = rel.split('/').map(encodeURIComponent).join('/');
  if (enc === 'index.html') return '/';
  if (enc.endsWith('/index.html')) return `/${enc.slice(0, -'index.html'.length)}`;
  return `/${enc}`;
}

// Page type for screenshots and the phone-size axe check: the first path
// segment, the second too when it names a kind of page rather than one
// page (it has no digit: a fixed folder such as `division` or `page`), then
// X for each segment more.
// index.html -> index; decisions/index.html -> decisions;
// decisions/22-00073/index.html -> decisions-X; decisions/a/b.html -> decisions-X-X;
// decisions/division/index.html -> decisions-division;
// decisions/division/swale/index.html -> decisions-division-X.
function pageType(rel) {
  const parts = rel.split('/');
  if (parts[parts.length - 1] === 'index.html') parts.pop();
  else parts[parts.length - 1] = parts[parts.length - 1].replace(/\.html?$/i, '');
  if (parts.length === 0) return 'index';
  const clean = (p) => p.replace(/[^A-Za-z0-9_.-]/g, '_');
  const kind = parts.length > 1 && !/[0-9]/.test(parts[1]) ? [clean(parts[1])] : [];
  return [clean(parts[0]), ...kind, ...parts.slice(1 + kind.length).map(() => 'X')].join('-');
}

// One page of each type, the first in path order: screenshotted, and
// checked with axe at phone size.
function samplesByType(pages) {
  const byType = new Map();
  for (const rel of pages) if (!byType.has(pageType(rel))) byType.set(pageType(rel), rel);
  return byType;
}

// Maps a URL pathname to a file under root: { file } or { error }.
function resolveFile(root, pathname) {
  let p;
  try { p = decodeURIComponent(pathname); } catch { return { error: 'undecodable path' }; }
  if (p.includes('\0')) return { error: 'NUL in path' };
  const full = path.resolve(root, `.${p}`);
  if (full !== root && !full.startsWith(root + path.sep)) return { error: 'path escapes PUBLIC_DIR' };
  let st;
  try { st = fs.statSync(full); } catch { return { error: 'no such file' }; }
  if (st.isDirectory()) {
    const idx = path.join(full, 'index.html');
    if (fs.existsSync(idx)) return { file: idx, dir: true };
    return { error: 'directory without index.html' };
  }
  if (p.endsWith('/')) return { error: 'trailing slash on a file' };
  return { file: full };
}

// ---------------------------------------------------------------- server
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8', '.rss': 'application/rss+xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.avif': 'image/avif', '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2',
  '.pdf': 'application/pdf', '.webmanifest': 'application/manifest+json',
};

function startServer(root) {
  const server = http.createServer((req, res) => {
    const send = (status, file, headers = {}) => {
      const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      fs.readFile(file, (err, body) => {
        if (err) { res.writeHead(500, { 'content-type': 'text/plain' }); res.end('read error'); return; }
        res.writeHead(status, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store', ...headers });
        res.end(req.method === 'HEAD' ? undefined : body);
      });
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }); res.end(); return;
    }
    let url;
    try { url = new URL(req.url, 'http://127.0.0.1'); } catch { res.writeHead(400); res.end(); return; }
    const r = resolveFile(root, url.pathname);
    if (r.file) {
      if (r.dir && !url.pathname.endsWith('/')) {
        res.writeHead(301, { location: `${url.pathname}/${url.search}` }); res.end(); return;
      }
      send(200, r.file); return;
    }
    const nf = path.join(root, '404.html');
    if (fs.existsSync(nf)) send(404, nf);
    else { res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }); res.end('not found'); }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------- helpers
function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, reject) => { t = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000}s`)), ms); }),
  ]).finally(() => clearTimeout(t));
}

async function onPage(context, url, fn) {
  const page = await context.newPage();
  page.setDefaultTimeout(NAV_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
  try {
    const resp = await page.goto(url, { waitUntil: 'load' });
    if (!resp) throw new Error('no response');
    return await fn(page, resp);
  } finally {
    await page.close().catch(() => {});
  }
}

function fmtAxe(v, rel) {
  const lines = [`${v.id} [${v.impact || 'n/a'}] ${v.help} (${v.helpUrl})`];
  for (const n of v.nodes.slice(0, 8)) {
    lines.push(`    at ${n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(', ')} on /${rel}`);
    const why = (n.failureSummary || '').split('\n').map((s) => s.trim()).filter(Boolean).slice(1, 3);
    for (const w of why) lines.push(`       ${w}`);
  }
  if (v.nodes.length > 8) lines.push(`    ... and ${v.nodes.length - 8} more elements`);
  return lines.join('\n');
}

// ---------------------------------------------------------------- checks
// Each check returns { ok, details: [string], notes?: [string] }.

async function checkAxe(page, axeSource, rel) {
  await page.addScriptTag({ content: axeSource });
  const res = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return { violations: r.violations, incomplete: r.incomplete.map((i) => i.id) };
  }, AXE_TAGS);
  return {
    ok: res.violations.length === 0,
    details: res.violations.map((v) => fmtAxe(v, rel)),
    notes: res.incomplete.length ? [`axe needs manual review: ${res.incomplete.join(', ')}`] : [],
  };
}

async function checkStructure(page, rel) {
  // axe is already injected by checkAxe on the same page.
  const res = await page.evaluate(async (rules) => {
    const r = await window.axe.run(document, { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] });
    const own = [];
    const h1s = document.querySelectorAll('h1');
    if (h1s.length > 1) own.push(`one-h1: page has ${h1s.length} <h1> elements; use exactly one`);
    let i = 0;
    for (const t of document.querySelectorAll('table')) {
      i++;
      const role = (t.getAttribute('role') || '').trim();
      if (role === 'presentation' || role === 'none') continue;
      const cap = t.querySelector(':scope > caption');
      if (!cap || !cap.textContent.trim()) {
        own.push(`table-caption: table #${i} ("${t.innerText.trim().replace(/\s+/g, ' ').slice(0, 50)}") has no non-empty <caption>`);
      }
      if (!t.querySelector('th')) {
        own.push(`table-headers: table #${i} ("${t.innerText.trim().replace(/\s+/g, ' ').slice(0, 50)}") has no <th> header cells`);
      }
    }
    return { violations: r.violations, own };
  }, STRUCTURE_RULES);
  const details = res.violations.map((v) => fmtAxe(v, rel)).concat(res.own.map((s) => `${s} on /${rel}`));
  return { ok: details.length === 0, details };
}

async function checkKeyboard(page, rel) {
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => {
    const a = document.activeElement;
    const desc = (el) => {
      if (!el) return 'nothing';
      let s = `<${el.tagName.toLowerCase()}`;
      if (el.id) s += ` id="${el.id}"`;
      if (el.getAttribute('href') != null) s += ` href="${el.getAttribute('href')}"`;
      return `${s}> "${(el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40)}"`;
    };
    if (!a || a === document.body || a === document.documentElement) return { err: 'pressing Tab once focused nothing (no focusable element?)' };
    if (a.tagName !== 'A' || a.getAttribute('href') == null) return { err: `first Tab stop is ${desc(a)}, expected a skip link <a href="#main">` };
    const href = a.getAttribute('href');
    if (!href.startsWith('#') || href.length < 2) return { err: `first Tab stop ${desc(a)} is not a same-page #fragment link (skip link)` };
    let id;
    try { id = decodeURIComponent(href.slice(1)); } catch { id = href.slice(1); }
    const target = document.getElementById(id);
    if (!target) return { err: `skip link ${desc(a)} points at #${id}, but no element has that id` };
    const main = document.querySelector('main, [role="main"]');
    if (!main) return { err: 'page has no <main> element' };
    if (!(target === main || main.contains(target))) return { err: `skip link target ${desc(target)} is not <main> or inside it` };
    const r = a.getBoundingClientRect();
    const cs = getComputedStyle(a);
    const inView = r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight;
    if (!inView || cs.visibility === 'hidden' || Number(cs.opacity) === 0) {
      return { err: `skip link ${desc(a)} is not visible when focused (box ${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)}, visibility ${cs.visibility}, opacity ${cs.opacity})` };
    }
    return { ok: true, link: desc(a) };
  });
  if (first.err) return { ok: false, details: [`${first.err} on /${rel}`] };
  await page.keyboard.press('Enter');
  await page.waitForTimeout(100);
  const after = await page.evaluate(() => {
    const a = document.activeElement;
    const main = document.querySelector('main, [role="main"]');
    const inMain = !!(a && main && (a === main || main.contains(a)));
    return { inMain, active: a ? `<${a.tagName.toLowerCase()}${a.id ? ` id="${a.id}"` : ''}>` : 'nothing' };
  });
  if (!after.inMain) {
    return { ok: false, details: [`activating the skip link left focus on ${after.active}, not in <main> (give the target tabindex="-1") on /${rel}`] };
  }
  return { ok: true, details: [] };
}

async function checkReflow(page, rel) {
  const r = await page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const sw = document.documentElement.scrollWidth;
    const culprits = [];
    if (sw > 320) {
      for (const el of document.body.querySelectorAll('*')) {
        const b = el.getBoundingClientRect();
        if (b.width > 0 && b.right > vw + 1) {
          // report the outermost offenders only
          if (!culprits.some((c) => c.el.contains(el))) culprits.push({ el, right: Math.round(b.right) });
        }
        if (culprits.length >= 5) break;
      }
    }
    const d = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
    return { sw, vw, culprits: culprits.map((c) => `${d(c.el)} (right edge ${c.right}px)`) };
  });
  if (r.sw <= 320) return { ok: true, details: [] };
  return {
    ok: false,
    details: [`page is ${r.sw}px wide at a 320px viewport (horizontal scrolling) on /${rel}${r.culprits.length ? `\n    wider than the viewport: ${r.culprits.join('; ')}` : ''}`],
  };
}

// 200% text: set the root font-size, then
//  (a) text elements' computed font-size must have grown by >= 1.5x
//      (catches px font sizes that ignore the user's text size),
//  (b) no horizontal scrolling at 1280px,
//  (c) no clipped text: an element that contains text (its own or its
//      descendants'), has overflow hidden/clip on an axis, is not a
//      visually-hidden helper (box <= 2px, or clip / clip-path set), and whose
//      scroll size exceeds its client size by more than 1px on that axis, is
//      reported as clipped.
async function checkResize(page, rel) {
  const r = await page.evaluate(async () => {
    const textEls = () => [...document.body.querySelectorAll('*')].filter((el) => {
      for (const n of el.childNodes) if (n.nodeType === 3 && n.textContent.trim()) return true;
      return false;
    });
    const els = textEls();
    const before = new Map(els.map((el) => [el, parseFloat(getComputedStyle(el).fontSize)]));
    document.documentElement.style.fontSize = '200%';
    await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
    const d = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} "${el.textContent.trim().replace(/\s+/g, ' ').slice(0, 30)}"`;
    const problems = [];
    const notGrown = [];
    for (const el of els) {
      const b = before.get(el);
      const a = parseFloat(getComputedStyle(el).fontSize);
      if (b > 0 && a / b < 1.5 && el.getClientRects().length) notGrown.push(`${d(el)} ${b}px -> ${a}px`);
    }
    if (notGrown.length) problems.push(`text did not grow with the root font size (fixed px sizes?): ${notGrown.slice(0, 5).join('; ')}${notGrown.length > 5 ? ` (+${notGrown.length - 5} more)` : ''}`);
    const vw = document.documentElement.clientWidth;
    const sw = document.documentElement.scrollWidth;
    if (sw > vw) problems.push(`horizontal scrolling at 200% text: page is ${sw}px wide in a ${vw}px viewport`);
    const clipped = [];
    const containers = [...document.body.querySelectorAll('*')].filter((el) => el.textContent.trim());
    for (const el of [document.body, ...containers]) {
      const cs = getComputedStyle(el);
      const hidX = cs.overflowX === 'hidden' || cs.overflowX === 'clip';
      const hidY = cs.overflowY === 'hidden' || cs.overflowY === 'clip';
      if (!hidX && !hidY) continue;
      const b = el.getBoundingClientRect();
      if (b.width <= 2 || b.height <= 2) continue; // visually-hidden pattern
      if ((cs.clip && cs.clip !== 'auto') || (cs.clipPath && cs.clipPath !== 'none')) continue;
      if ((hidX && el.scrollWidth > el.clientWidth + 1) || (hidY && el.scrollHeight > el.clientHeight + 1)) {
        clipped.push(`${d(el)} (content ${el.scrollWidth}x${el.scrollHeight} in box ${el.clientWidth}x${el.clientHeight})`);
      }
    }
    if (clipped.length) problems.push(`clipped text at 200%: ${clipped.slice(0, 5).join('; ')}${clipped.length > 5 ? ` (+${clipped.length - 5} more)` : ''}`);
    return problems;
  });
  return { ok: r.length === 0, details: r.map((p) => `${p} on /${rel}`) };
}

// Collects every URL reference and every id on the page (links are judged
// after all pages are crawled, so #fragments can be checked on the target).
async function collectRefs(page) {
  return page.evaluate(() => {
    const refs = [];
    const add = (kind, el, raw) => {
      if (raw == null) return;
      let abs;
      try { abs = new URL(raw.trim(), document.baseURI).href; } catch { abs = null; }
      refs.push({ kind, raw, abs, tag: el.tagName.toLowerCase() });
    };
    for (const el of document.querySelectorAll('a[href], area[href]')) add('href', el, el.getAttribute('href'));
    for (const el of document.querySelectorAll('link[href]')) {
      const rel = (el.getAttribute('rel') || '').toLowerCase();
      if (/\b(preconnect|dns-prefetch|canonical|alternate)\b/.test(rel) && !/\bstylesheet\b/.test(rel)) {
        // canonical/alternate may legitimately point at the public host; still check same-origin ones
        if (/\b(canonical|alternate)\b/.test(rel)) add('href', el, el.getAttribute('href'));
        continue;
      }
      add('href', el, el.getAttribute('href'));
    }
    for (const el of document.querySelectorAll('form[action]')) add('action', el, el.getAttribute('action'));
    for (const el of document.querySelectorAll('[src]')) add('src', el, el.getAttribute('src'));
    for (const el of document.querySelectorAll('object[data]')) add('data', el, el.getAttribute('data'));
    for (const el of document.querySelectorAll('img[srcset], source[srcset]')) {
      for (const cand of el.getAttribute('srcset').split(',')) {
        const u = cand.trim().split(/\s+/)[0];
        if (u) add('srcset', el, u);
      }
    }
    const ids = [...document.querySelectorAll('[id]')].map((e) => e.id)
      .concat([...document.querySelectorAll('a[name]')].map((e) => e.getAttribute('name')));
    return { refs, ids };
  });
}

function judgeLinks(rel, refs, origin, root, idsByFile) {
  const broken = [];
  const external = [];
  for (const r of refs) {
    if (r.abs == null) { broken.push(`${r.tag} ${r.kind}="${r.raw}": not a valid URL`); continue; }
    const u = new URL(r.abs);
    if (u.protocol === 'javascript:') { broken.push(`${r.tag} ${r.kind}="${r.raw}": javascript: URL`); continue; }
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') continue;
    if (u.origin !== origin) { external.push(r.abs); continue; }
    const res = resolveFile(root, u.pathname);
    if (res.error) { broken.push(`${r.tag} ${r.kind}="${r.raw}": ${u.pathname} -> ${res.error}`); continue; }
    if (u.hash && u.hash !== '#' && r.kind === 'href') {
      let frag;
      try { frag = decodeURIComponent(u.hash.slice(1)); } catch { frag = u.hash.slice(1); }
      if (frag.toLowerCase() === 'top') continue;
      const targetRel = path.relative(root, res.file).split(path.sep).join('/');
      if (!/\.html?$/i.test(targetRel)) continue;
      const ids = idsByFile.get(targetRel);
      if (!ids) { broken.push(`${r.tag} href="${r.raw}": could not read ids of /${targetRel} to check #${frag}`); continue; }
      if (!ids.has(frag)) broken.push(`${r.tag} href="${r.raw}": no element with id "${frag}" in target /${targetRel}`);
    }
  }
  const counts = new Map();
  for (const b of broken) counts.set(b, (counts.get(b) || 0) + 1);
  const details = [...counts].map(([b, n]) => `${b}${n > 1 ? ` (${n} times)` : ''} (on /${rel})`);
  return { ok: broken.length === 0, details, external };
}

// ---------------------------------------------------------------- vnu
function runVnu(root) {
  let jar;
  try { jar = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar'); } catch {
    return Promise.reject(new SetupError('vnu-jar is not installed (run tests/browser/install.sh)'));
  }
  if (!fs.existsSync(jar)) return Promise.reject(new SetupError(`vnu.jar missing at ${jar}`));
  const java = process.env.JAVA || 'java';
  const args = ['-Xss1m', '-jar', jar, '--errors-only', '--format', 'json', '--skip-non-html', '--also-check-css', '--no-langdetect', root];
  return new Promise((resolve, reject) => {
    let child;
    try { child = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'] }); } catch (e) { reject(new SetupError(`cannot run java: ${e.message}`)); return; }
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const t = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`vnu timed out after ${VNU_TIMEOUT_MS / 1000}s`)); }, VNU_TIMEOUT_MS);
    child.on('error', (e) => { clearTimeout(t); reject(new SetupError(`cannot run java (${e.message}); install default-jre-headless`)); });
    child.on('close', (code) => {
      clearTimeout(t);
      const text = (err.trim() || out.trim());
      let parsed;
      try { parsed = JSON.parse(text); } catch {
        reject(new SetupError(`vnu exited ${code} without JSON output:\n${(err + out).slice(0, 2000)}`)); return;
      }
      resolve(parsed.messages || []);
    });
  });
}

// ---------------------------------------------------------------- main
// ---------------------------------------------------------------- search
// The resident's search journey, when the site has a search page: at a
// phone's size (390x844) a query is typed, the live region says how many
// results there are, the list shows them as links with the words that
// matched, the results pass axe, nothing moves in view as they arrive, and a
// result reached by keyboard opens the right page. With JavaScript off the
// page says so and links to the ways to browse, and the header's search box
// still leads there. AUDIT_SEARCH is the query and AUDIT_SEARCH_FINDS the
// path of a page it must find; without them the typed journey is skipped and
// only the page's parts and the no-JavaScript journey are checked.
const SEARCH_PAGE = 'search/index.html';

async function searchJourney(browser, origin, axeSource, shots) {
  const query = process.env.AUDIT_SEARCH || '';
  const finds = process.env.AUDIT_SEARCH_FINDS || '';
  const checks = [];
  const context = async (viewport, javaScriptEnabled = true) => {
    const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1, javaScriptEnabled, reducedMotion: 'reduce', locale: 'en-GB' });
    await ctx.route((u) => !u.href.startsWith(`${origin}/`), (route) => route.abort('blockedbyclient'));
    // Layout shifts not caused by the reader's own input, as CLS counts them.
    await ctx.addInitScript(() => {
      window.__shift = 0;
      try {
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
        }).observe({ type: 'layout-shift', buffered: true });
      } catch { /* no layout-shift entries in this browser */ }
    });
    return ctx;
  };
  const waitForCount = (page) => page.waitForFunction(() => {
    const s = document.querySelector('[role="status"]');
    return s && /^(\d+ results? for|No results for)/.test(s.textContent.trim());
  }, null, { timeout: NAV_TIMEOUT_MS });

  if (query) {
    const details = [];
    const ctx = await context({ width: 390, height: 844 });
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${origin}/search/`, { waitUntil: 'load' });
      const field = page.getByLabel(/^Search for/);
      if (await field.count() !== 1) details.push('no field labelled "Search for ..." on /search/');
      await field.click();
      await field.pressSequentially(query, { delay: 40 });
      await waitForCount(page);
      const state = await page.evaluate(() => {
        const status = document.querySelector('[role="status"]');
        const items = [...document.querySelectorAll('#search-results > li')];
        return {
          status: status.textContent.trim(),
          items: items.length,
          links: items.map((li) => li.querySelector('a[href]')).filter(Boolean).map((a) => ({ text: a.textContent.trim(), path: new URL(a.href).pathname })),
          marks: document.querySelectorAll('#search-results mark, #search-results .search-result-match').length,
          width: document.documentElement.scrollWidth,
          address: window.location.search,
        };
      });
      const count = Number((/^(\d+)/.exec(state.status) || [])[1] || 0);
      if (!count) details.push(`"${query}" found nothing: the live region says "${state.status}"`);
      if (state.items !== Math.min(count, 10)) details.push(`the live region says ${count} results but the list shows ${state.items}`);
      if (state.links.length !== state.items || state.links.some((l) => !l.text)) details.push('a result is not a link with text');
      if (!state.marks) details.push('no result shows what matched (a <mark> around a word, or the filters it matched)');
      if (state.width > 390) details.push(`the results scroll sideways: ${state.width}px wide at 390px`);
      if (!state.address.includes('q=')) details.push(`the address does not keep the query: ${state.address}`);
      const ax = await checkAxe(page, axeSource, SEARCH_PAGE);
      if (!ax.ok) details.push(...ax.details.map((d) => `axe with results: ${d}`));
      const shift = await page.evaluate(() => window.__shift);
      if (shift > 0.05) details.push(`content in view moved as results arrived (layout shift ${shift.toFixed(3)})`);
      if (shots) await page.screenshot({ path: path.join(shots, 'search-results-phone.png'), fullPage: true });
      if (finds) {
        if (!state.links.some((l) => l.path === finds)) {
          details.push(`"${query}" did not find ${finds}: found ${state.links.map((l) => l.path).join(', ')}`);
        } else {
          // From the field, by keyboard alone, to the result, and on to its page.
          await field.focus();
          let reached = false;
          for (let i = 0; i < 40 && !reached; i++) {
            await page.keyboard.press('Tab');
            reached = await page.evaluate((want) => {
              const a = document.activeElement;
              return !!(a && a.tagName === 'A' && a.closest('#search-results') && new URL(a.href).pathname === want);
            }, finds);
          }
          if (!reached) {
            details.push(`Tab from the field never reached the result ${finds}`);
          } else {
            await Promise.all([page.waitForURL((u) => u.pathname === finds), page.keyboard.press('Enter')]);
            const h1 = await page.locator('h1').first().textContent();
            if (!h1 || !h1.trim()) details.push(`the result's page ${finds} has no heading`);
          }
        }
      }
      if (errors.length) details.push(...errors.map((e) => `JavaScript error: ${e}`));
    } catch (e) {
      details.push(`the search journey could not run: ${String(e.message).split('\n')[0]}`);
    } finally {
      await ctx.close().catch(() => {});
    }
    if (shots) {
      const desk = await context({ width: 1280, height: 900 });
      const page = await desk.newPage();
      try {
        await page.goto(`${origin}/search/?q=${encodeURIComponent(query)}`, { waitUntil: 'load' });
        await waitForCount(page);
        await page.screenshot({ path: path.join(shots, 'search-results-desktop.png'), fullPage: true });
      } catch (e) {
        details.push(`the search journey at desktop size could not run: ${String(e.message).split('\n')[0]}`);
      } finally {
        await desk.close().catch(() => {});
      }
    }
    checks.push({ check: 'search', ok: details.length === 0, details: details.map((d) => `${d} (query "${query}")`) });
  }

  // Without JavaScript: the header's box still leads to the search page,
  // which says search needs JavaScript and links to the ways to browse.
  const details = [];
  const ctx = await context({ width: 390, height: 844 }, false);
  const page = await ctx.newPage();
  try {
    await page.goto(`${origin}/`, { waitUntil: 'load' });
    const box = page.getByLabel('Search this site');
    if (await box.count() !== 1) {
      details.push('the home page has no field labelled "Search this site"');
    } else {
      await box.fill('swale');
      await Promise.all([page.waitForURL((u) => u.pathname === '/search/'), box.press('Enter')]);
      if (!page.url().includes('q=swale')) details.push(`the header's box did not send the query: ${page.url()}`);
    }
    if (!new URL(page.url()).pathname.endsWith('/search/')) await page.goto(`${origin}/search/`, { waitUntil: 'load' });
    const nojs = await page.evaluate(() => {
      const visible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
      const said = [...document.querySelectorAll('main p')].find((p) => /needs JavaScript/.test(p.textContent));
      const links = [...document.querySelectorAll('main a[href]')].filter(visible).map((a) => new URL(a.href).pathname);
      return { said: visible(said), form: visible(document.querySelector('#search-form')), links };
    });
    if (!nojs.said) details.push('without JavaScript the page does not say that search needs it');
    if (nojs.form) details.push('without JavaScript the search field is still shown, though it cannot work');
    if (!nojs.links.some((p) => p.endsWith('/decisions/'))) details.push(`without JavaScript the page does not link to the register: ${nojs.links.join(', ')}`);
    if (shots) await page.screenshot({ path: path.join(shots, 'search-nojs-phone.png'), fullPage: true });
  } catch (e) {
    details.push(`the journey without JavaScript could not run: ${String(e.message).split('\n')[0]}`);
  } finally {
    await ctx.close().catch(() => {});
  }
  checks.push({ check: 'search-nojs', ok: details.length === 0, details });
  return checks;
}

// ---------------------------------------------------------------- journey
// The resident's journey without JavaScript, at a phone's size (390x844):
// from the listing (AUDIT_JOURNEY_START, like /activities/) a link is
// chosen for each filter in AUDIT_JOURNEY_CLICKS ("Swale|Online|18 to 25":
// each the exact text of a link on the page reached so far, opening a
// "Narrow the list" disclosure when the link is inside one), then the
// provider AUDIT_SEARCH_FINDS (the page the search journey must find: the
// same answer both ways) is found in the list, following "Next" when the
// list runs over pages, and opened. Its page must show days, access and a
// way to get in touch. Every page on the way must pass axe (at phone size)
// and vnu (checked after vnu has run: see `journeyFiles`). With
// --screenshots each step is written as journey-N-NAME-phone.png and
// -desktop.png. Any step that cannot be done fails the check, loudly.
const journeyFiles = [];

async function residentJourney(browser, origin, axeSource, shots) {
  const start = process.env.AUDIT_JOURNEY_START;
  const clicks = (process.env.AUDIT_JOURNEY_CLICKS || '').split('|').map((c) => c.trim()).filter(Boolean);
  const finds = process.env.AUDIT_SEARCH_FINDS || '';
  const details = [];
  if (!finds) details.push('AUDIT_JOURNEY_START is set but AUDIT_SEARCH_FINDS (the provider to reach) is not');
  if (!clicks.length) details.push('AUDIT_JOURNEY_START is set but AUDIT_JOURNEY_CLICKS (the filters to choose) is empty');
  const steps = []; // { name, url }
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, javaScriptEnabled: false, reducedMotion: 'reduce', locale: 'en-GB' });
  await ctx.route((u) => !u.href.startsWith(`${origin}/`), (route) => route.abort('blockedbyclient'));
  const page = await ctx.newPage();
  // axe runs as a script, which the reader's page (JavaScript off) will not
  // run: each step's page is checked again, as it is, in a twin page with
  // JavaScript on at the same size (these pages work the same without it).
  const axeCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, reducedMotion: 'reduce', locale: 'en-GB' });
  await axeCtx.route((u) => !u.href.startsWith(`${origin}/`), (route) => route.abort('blockedbyclient'));
  const step = async (name) => {
    const url = page.url();
    steps.push({ name, url });
    const rel = (() => {
      const p = decodeURIComponent(new URL(url).pathname).replace(/^\//, '');
      return p === '' || p.endsWith('/') ? `${p}index.html` : p;
    })();
    journeyFiles.push(rel);
    const ax = await onPage(axeCtx, url, (twin) => checkAxe(twin, axeSource, rel));
    if (!ax.ok) details.push(...ax.details.map((d) => `axe at step "${name}" (${new URL(url).pathname}): ${d}`));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 390) details.push(`step "${name}" (${new URL(url).pathname}) scrolls sideways: ${width}px wide at 390px`);
    if (shots) await page.screenshot({ path: path.join(shots, `journey-${steps.length}-${name.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}-phone.png`), fullPage: true });
  };
  try {
    if (details.length) throw new Error(details[details.length - 1]);
    const res = await page.goto(`${origin}${start}`, { waitUntil: 'load' });
    if (!res || res.status() !== 200) throw new Error(`${start} answered ${res ? res.status() : 'nothing'}`);
    await step('listing');
    for (const text of clicks) {
      const link = page.locator('main a', { hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).first();
      if (await link.count() === 0) throw new Error(`no link "${text}" on ${new URL(page.url()).pathname}`);
      if (!(await link.isVisible())) {
        // Inside a closed disclosure ("Narrow the list"): open it, as a reader would.
        const opened = await page.evaluate((href) => {
          const a = [...document.querySelectorAll('main a')].find((x) => x.getAttribute('href') === href);
          const d = a && a.closest('details');
          if (!d) return false;
          d.querySelector('summary').click();
          return true;
        }, await link.getAttribute('href'));
        if (!opened || !(await link.isVisible())) throw new Error(`the link "${text}" on ${new URL(page.url()).pathname} cannot be seen or opened`);
      }
      const before = page.url();
      await Promise.all([page.waitForURL((u) => u.href !== before), link.click()]);
      await step(text);
    }
    // The provider, on this page of the list or a later one.
    for (let n = 0; ; n++) {
      const found = await page.evaluate((want) => [...document.querySelectorAll('main ul.providers a')].some((a) => new URL(a.href).pathname === want), finds);
      if (found) {
        const before = page.url();
        const a = page.locator('main ul.providers a').filter({ hasText: /.+/ });
        const count = await a.count();
        let clicked = false;
        for (let i = 0; i < count && !clicked; i++) {
          if (new URL(await a.nth(i).evaluate((el) => el.href)).pathname === finds) {
            await Promise.all([page.waitForURL((u) => u.href !== before), a.nth(i).click()]);
            clicked = true;
          }
        }
        break;
      }
      const next = page.locator('main a[rel="next"]');
      if (n > 200 || await next.count() === 0) throw new Error(`${finds} is not in the list reached by ${clicks.join(' → ')} (${new URL(page.url()).pathname}, ${n + 1} page(s) looked at)`);
      const before = page.url();
      await Promise.all([page.waitForURL((u) => u.href !== before), next.first().click()]);
      await step(`page ${n + 2}`);
    }
    if (new URL(page.url()).pathname !== finds) throw new Error(`the provider's link led to ${page.url()}, not ${finds}`);
    await step('provider');
    const shown = await page.evaluate(() => {
      const terms = [...document.querySelectorAll('main dt')].map((dt) => dt.textContent.trim());
      return {
        h1: (document.querySelector('h1') || {}).textContent || '',
        days: terms.some((t) => /^Days/.test(t)),
        access: terms.some((t) => /access|toilet|hearing loop|parking/i.test(t)),
        contact: !!document.querySelector('main a[href^="mailto:"], main a[href^="tel:"]'),
      };
    });
    if (!shown.h1.trim()) details.push(`the provider's page ${finds} has no heading`);
    if (!shown.days) details.push(`the provider's page ${finds} does not show its days`);
    if (!shown.access) details.push(`the provider's page ${finds} says nothing of access`);
    if (!shown.contact) details.push(`the provider's page ${finds} has no email or phone link`);
  } catch (e) {
    details.push(`the journey without JavaScript could not be done: ${String(e.message).split('\n')[0]}`);
  } finally {
    await ctx.close().catch(() => {});
    await axeCtx.close().catch(() => {});
  }
  if (shots && steps.length) {
    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, javaScriptEnabled: false, reducedMotion: 'reduce', locale: 'en-GB' });
    await desk.route((u) => !u.href.startsWith(`${origin}/`), (route) => route.abort('blockedbyclient'));
    const p = await desk.newPage();
    try {
      for (const [i, s] of steps.entries()) {
        await p.goto(s.url, { waitUntil: 'load' });
        await p.screenshot({ path: path.join(shots, `journey-${i + 1}-${s.name.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}-desktop.png`), fullPage: true });
      }
    } catch (e) {
      details.push(`the journey's desktop screenshots could not be taken: ${String(e.message).split('\n')[0]}`);
    } finally {
      await desk.close().catch(() => {});
    }
  }
  console.log(`audit: resident's journey without JavaScript: ${steps.map((s) => new URL(s.url).pathname).join(' → ') || '(no step done)'}`);
  return { check: 'journey', ok: details.length === 0, details };
}

async function main() {
  const started = Date.now();
  const { publicDir, shots } = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(publicDir) || !fs.statSync(publicDir).isDirectory()) throw new SetupError(`${publicDir} is not a directory`);
  const root = fs.realpathSync(publicDir);
  const files = (await walk(root)).sort();
  const pages = files.filter((f) => /\.html?$/i.test(f));
  const cssFiles = files.filter((f) => /\.css$/i.test(f));
  if (pages.length === 0) throw new SetupError(`no .html files under ${root}`);
  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const axeVersion = require('axe-core/package.json').version;

  let chromium;
  try { ({ chromium } = await import('playwright-core')); } catch (e) { throw new SetupError(`playwright-core is not installed (run tests/browser/install.sh): ${e.message}`); }
  if (!fs.existsSync(CHROMIUM)) throw new SetupError(`${CHROMIUM} not found (apt-get install -y chromium, or set CHROMIUM_PATH)`);

  const vnuPromise = runVnu(root).then((m) => ({ messages: m }), (e) => ({ error: e }));

  const server = await startServer(root);
  const origin = `http://127.0.0.1:${server.address().port}`;
  console.log(`audit: ${pages.length} pages, ${cssFiles.length} CSS files in ${root}`);
  console.log(`audit: serving on ${origin}; axe-core ${axeVersion}, tags ${AXE_TAGS.join(',')}; ${WORKERS} worker(s)`);

  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (e) {
    server.close();
    throw new SetupError(`cannot start Chromium at ${CHROMIUM}: ${e.message}`);
  }

  // Never let the browser leave loopback: abort anything not on our origin.
  const newContext = async (viewport) => {
    const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1, bypassCSP: true, reducedMotion: 'reduce', locale: 'en-GB' });
    await ctx.route((u) => !u.href.startsWith(`${origin}/`), (route) => route.abort('blockedbyclient'));
    return ctx;
  };

  const results = []; // { rel, check, ok, details, notes }
  const linkData = new Map(); // rel -> refs
  const idsByFile = new Map(); // rel -> Set(ids)
  const pageErrors = [];

  const record = (rel, check, r) => results.push({ rel, check, ok: r.ok, details: r.details || [], notes: r.notes || [] });
  const guarded = async (rel, check, fn, ms = CHECK_TIMEOUT_MS) => {
    try {
      const r = await withTimeout(fn(), ms, `${check} on /${rel}`);
      if (r) record(rel, check, r);
    } catch (e) {
      record(rel, check, { ok: false, details: [`${check} could not run on /${rel}: ${String(e.message).split('\n')[0]}`] });
    }
  };

  // AUDIT_ONLY (a regular expression over paths like activities/index.html)
  // narrows the per-page checks, for iterating on a few pages; the journeys
  // and vnu still cover the whole site. Never set in CI.
  const audited = process.env.AUDIT_ONLY ? pages.filter((p) => new RegExp(process.env.AUDIT_ONLY).test(p)) : pages;
  if (process.env.AUDIT_ONLY) console.log(`audit: AUDIT_ONLY=${process.env.AUDIT_ONLY}: per-page checks on ${audited.length} of ${pages.length} pages`);
  const phoneSamples = new Set(samplesByType(audited).values());
  async function auditPage(rel, desk, phone) {
    const url = origin + urlPathFor(rel);
    const t0 = Date.now();
    // keyboard: needs a fresh load with nothing focused yet
    await guarded(rel, 'keyboard', () => onPage(desk, url, (page) => checkKeyboard(page, rel)));
    // axe, structure, links and (last, since it mutates the page) resize on one load
    let refs = null;
    await guarded(rel, 'axe', () => onPage(desk, url, async (page) => {
      page.on('pageerror', (e) => pageErrors.push(`/${rel}: ${e.message}`));
      const ax = await checkAxe(page, axeSource, rel);
      record(rel, 'axe', ax);
      await guarded(rel, 'structure', () => checkStructure(page, rel));
      try {
        const c = await collectRefs(page);
        refs = c.refs;
        idsByFile.set(rel, new Set(c.ids));
      } catch (e) {
        pageErrors.push(`/${rel}: collecting links failed: ${e.message}`);
      }
      await guarded(rel, 'resize', () => checkResize(page, rel));
      return null;
    }), 3 * CHECK_TIMEOUT_MS);
    for (const check of ['structure', 'resize']) {
      if (!results.some((r) => r.rel === rel && r.check === check)) {
        record(rel, check, { ok: false, details: [`${check} not run on /${rel}: page failed to load`] });
      }
    }
    linkData.set(rel, refs);
    await guarded(rel, 'reflow', () => onPage(phone, url, (page) => checkReflow(page, rel)));
    if (phoneSamples.has(rel)) {
      await guarded(rel, 'axe-phone', () => onPage(phone, url, (page) => checkAxe(page, axeSource, rel)));
    }
    const failed = results.filter((r) => r.rel === rel && !r.ok).map((r) => r.check);
    console.log(`${failed.length ? 'FAIL' : 'ok  '} /${rel} (${Date.now() - t0} ms)${failed.length ? `: ${failed.join(', ')}` : ''}`);
  }

  const queue = [...audited];
  const workers = [];
  for (let w = 0; w < Math.min(WORKERS, audited.length); w++) {
    workers.push((async () => {
      const desk = await newContext({ width: 1280, height: 900 });
      const phone = await newContext({ width: 320, height: 640 });
      try {
        while (queue.length) await auditPage(queue.shift(), desk, phone);
      } finally {
        await desk.close().catch(() => {});
        await phone.close().catch(() => {});
      }
    })());
  }
  await Promise.all(workers);

  // links, now that every page's ids are known
  let externalCount = 0;
  const externalHosts = new Map();
  for (const rel of audited) {
    const refs = linkData.get(rel);
    if (!refs) { record(rel, 'links', { ok: false, details: [`links not checked on /${rel}: page failed to load`] }); continue; }
    const j = judgeLinks(rel, refs, origin, root, idsByFile);
    externalCount += j.external.length;
    for (const x of j.external) {
      let k;
      try { const u = new URL(x); k = u.protocol === 'http:' || u.protocol === 'https:' ? u.host : u.protocol; } catch { k = 'other'; }
      externalHosts.set(k, (externalHosts.get(k) || 0) + 1);
    }
    record(rel, 'links', j);
  }

  // screenshots: one page per type, phone and desktop
  if (shots) {
    await fsp.mkdir(shots, { recursive: true });
    const byType = samplesByType(audited);
    const sizes = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } };
    for (const [name, vp] of Object.entries(sizes)) {
      const ctx = await newContext(vp);
      for (const [type, rel] of byType) {
        const out = path.join(shots, `${type}-${name}.png`);
        await guarded(rel, `screenshot-${name}`, () => onPage(ctx, origin + urlPathFor(rel), async (page) => {
          await page.screenshot({ path: out, fullPage: true });
          return { ok: true, details: [] };
        }));
      }
      await ctx.close();
    }
    console.log(`audit: ${byType.size} page types screenshotted into ${shots}: ${[...byType].map(([t, r]) => `${t} (/${r})`).join(', ')}`);
  }

  if (pages.includes(SEARCH_PAGE)) {
    if (shots) await fsp.mkdir(shots, { recursive: true });
    for (const r of await searchJourney(browser, origin, axeSource, shots)) record(SEARCH_PAGE, r.check, r);
    console.log(`audit: search journey${process.env.AUDIT_SEARCH ? ` ("${process.env.AUDIT_SEARCH}")` : ' (no AUDIT_SEARCH: without JavaScript only)'} done`);
  }

  let journey = null;
  if (process.env.AUDIT_JOURNEY_START) {
    if (shots) await fsp.mkdir(shots, { recursive: true });
    journey = await residentJourney(browser, origin, axeSource, shots);
  }

  await browser.close().catch(() => {});
  server.close();

  // Nu HTML checker
  const vnu = await vnuPromise;
  if (vnu.error) {
    if (vnu.error instanceof SetupError) throw vnu.error;
    record('(all files)', 'vnu', { ok: false, details: [vnu.error.message] });
  } else {
    const byFile = new Map();
    const stray = [];
    for (const m of vnu.messages) {
      if (m.type !== 'error' && m.type !== 'non-document-error') continue;
      const line = m.lastLine ?? m.firstLine ?? 0;
      const col = m.firstColumn ?? m.lastColumn ?? 0;
      let rel = null;
      if (m.url && m.url.startsWith('file:')) {
        rel = path.relative(root, decodeURIComponent(new URL(m.url).pathname)).split(path.sep).join('/');
      }
      const msg = `${rel ?? m.url ?? '?'}:${line}:${col}: ${m.message}${m.extract ? `\n    ${m.extract.replace(/\n/g, '↵')}` : ''}`;
      if (rel && !byFile.has(rel)) byFile.set(rel, []);
      (rel ? byFile.get(rel) : stray).push(msg);
    }
    for (const f of [...pages, ...cssFiles]) {
      const errs = byFile.get(f) || [];
      byFile.delete(f);
      record(f, 'vnu', { ok: errs.length === 0, details: errs });
    }
    for (const [f, errs] of byFile) record(f, 'vnu', { ok: false, details: errs });
    if (stray.length) record('(vnu)', 'vnu', { ok: false, details: stray });
  }
  if (journey) {
    // Every page of the journey must pass vnu too (and must be a file vnu saw).
    for (const f of new Set(journeyFiles)) {
      const v = results.find((r) => r.rel === f && r.check === 'vnu');
      if (!v) journey.details.push(`vnu did not check /${f}, a step of the journey`);
      else if (!v.ok) journey.details.push(`vnu fails /${f}, a step of the journey`);
    }
    journey.ok = journey.details.length === 0;
    record(process.env.AUDIT_JOURNEY_START.replace(/^\//, '') + 'index.html', 'journey', journey);
  }

  // report
  const failures = results.filter((r) => !r.ok);
  const notes = [...new Set(results.flatMap((r) => r.notes.map((n) => `/${r.rel}: ${n}`)))];
  console.log('');
  if (failures.length) {
    console.log('FAILURES');
    const order = [...CHECKS, 'search', 'search-nojs', 'journey', 'vnu', 'screenshot-phone', 'screenshot-desktop'];
    failures.sort((a, b) => order.indexOf(a.check) - order.indexOf(b.check) || a.rel.localeCompare(b.rel));
    for (const f of failures) {
      console.log(`FAIL ${f.check} /${f.rel}`);
      for (const d of f.details) console.log(`  - ${d}`);
    }
    console.log('');
  }
  if (notes.length) {
    console.log('NOTES (not failures)');
    for (const n of notes.slice(0, 50)) console.log(`  ${n}`);
    console.log('');
  }
  if (pageErrors.length) {
    console.log('JAVASCRIPT ERRORS (not failures)');
    for (const e of pageErrors.slice(0, 20)) console.log(`  ${e}`);
    console.log('');
  }
  console.log('SUMMARY');
  const checkNames = [...new Set(results.map((r) => r.check))];
  for (const c of checkNames) {
    const rs = results.filter((r) => r.check === c);
    const bad = rs.filter((r) => !r.ok).length;
    console.log(`  ${c.padEnd(18)} ${String(rs.length - bad).padStart(4)} passed ${String(bad).padStart(4)} failed`);
  }
  console.log(`  external links not fetched: ${externalCount}${externalHosts.size ? ` (${[...externalHosts].map(([h, n]) => `${h} ${n}`).join(', ')})` : ''}`);
  console.log(`  took ${((Date.now() - started) / 1000).toFixed(1)}s`);
  const passed = results.length - failures.length;
  console.log(`${passed} passed, ${failures.length} failed`);
  return failures.length ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  if (e instanceof SetupError) {
    console.error(`audit: setup error: ${e.message}`);
  } else {
    console.error(`audit: setup error (unexpected): ${e.stack || e}`);
  }
  console.log('0 passed, 1 failed');
  process.exitCode = 2;
});
