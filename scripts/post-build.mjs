// Trunk's post_build hook (Trunk.toml): makes the built app safe and offline.
//
// 1. The start script Trunk writes inline into index.html moves to a file of its own
//    (start-<hash>.js), so that the Content-Security-Policy can forbid every inline script;
//    the same file registers the service worker and tells the page when a new build is ready.
// 2. index.html gets the Content-Security-Policy: only the app's own files, plus
//    'wasm-unsafe-eval' that WebAssembly needs; no inline script, no remote origin.
// 3. sw.js is written with the list of every built file and a version derived from their
//    contents: the service worker caches them all at install, serves them with the network off,
//    and a new build (new contents, new version) waits until the user agrees to update.
// 4. A release build gets precompressed copies beside its text and wasm files (name.br, Brotli
//    at its best; name.gz, gzip -9) for static hosts that serve them (nginx gzip_static /
//    brotli_static, Apache with rewrite rules): the first visit downloads a fraction. They are
//    not in the service worker's list (the browser caches what it was served, decoded).
//
// Run by Trunk with TRUNK_STAGING_DIR set; the end-to-end tests import `writeServiceWorker`
// to make a changed build. Plain Node, no dependencies.
import { createHash } from 'node:crypto';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const REGISTER = `
// The service worker: the app works offline once opened; a new build is announced.
if ('serviceWorker' in navigator) {
  let updating = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updating) location.reload();
  });
  navigator.serviceWorker.register('/sw.js').then((reg) => {
    const announce = () => {
      window.shkalaUpdateReady = true;
      dispatchEvent(new CustomEvent('shkala-update'));
    };
    if (reg.waiting && navigator.serviceWorker.controller) announce();
    reg.addEventListener('updatefound', () => {
      const incoming = reg.installing;
      if (!incoming) return;
      incoming.addEventListener('statechange', () => {
        if (incoming.state === 'installed' && navigator.serviceWorker.controller) announce();
      });
    });
    window.shkalaApplyUpdate = () => {
      if (!reg.waiting) return false;
      updating = true;
      reg.waiting.postMessage('skip-waiting');
      return true;
    };
    // A long-open tab looks for a new build every hour.
    setInterval(() => reg.update().catch(() => {}), 60 * 60 * 1000);
  }).catch((e) => console.warn('Шкала: автономный режим недоступен:', e));
}
`;

function sha(text, n = 16) {
  return createHash('sha256').update(text).digest('hex').slice(0, n);
}

/// Every file under `dir`, recursively (also the bundle's walk, scripts/bundle.mjs).
export async function files(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

/// Moves the inline start script into a file and puts the CSP into index.html.
export async function externaliseStart(dir) {
  const path = join(dir, 'index.html');
  let html = await readFile(path, 'utf8');
  const inline = /<script type="module">([\s\S]*?)<\/script>/;
  const m = html.match(inline);
  if (m) {
    const code = `${m[1].trim()}\n${REGISTER}`;
    const name = `start-${sha(code)}.js`;
    await writeFile(join(dir, name), code);
    html = html.replace(inline, `<script type="module" src="/${name}"></script>`);
  }
  if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) {
    throw new Error('index.html still has an inline script: the CSP would block it');
  }
  if (!html.includes('Content-Security-Policy')) {
    html = html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`);
  }
  await writeFile(path, html);
}

/// Writes sw.js: every file of `dir` (but sw.js) cached at install, under a version made of
/// their names and contents.
export async function writeServiceWorker(dir) {
  const list = [];
  const hash = createHash('sha256');
  for (const f of (await files(dir)).sort()) {
    const name = relative(dir, f).split(sep).join('/');
    if (name === 'sw.js' || COPY.test(name)) continue;
    list.push(name);
    hash.update(name).update('\0').update(await readFile(f)).update('\0');
  }
  const version = hash.digest('hex').slice(0, 16);
  const sw = `// Шкала: the service worker (written by scripts/post-build.mjs for this build).
const VERSION = ${JSON.stringify(version)};
const FILES = ${JSON.stringify(list.map((n) => '/' + n))};
const CACHE = 'shkala-' + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k.startsWith('shkala-') && k !== CACHE).map((k) => caches.delete(k)),
  )));
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

// Built files come from the cache; every page of the app is index.html (the app routes it).
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const key = request.mode === 'navigate' ? '/index.html' : url.pathname;
  if (request.mode !== 'navigate' && !FILES.includes(key)) return;
  event.respondWith(
    caches.open(CACHE).then((c) => c.match(key)).then((hit) => hit || fetch(request)),
  );
});
`;
  await writeFile(join(dir, 'sw.js'), sw);
  return version;
}

/// Precompressed copies: `name.br` and `name.gz`.
const COPY = /\.(br|gz)$/;
const COMPRESSIBLE = /\.(wasm|js|css|html|svg|json|webmanifest|txt)$/;

/// Writes `name.br` and `name.gz` beside every compressible file of `dir` of 1 KB or more
/// (only where it saves bytes); returns the sizes, for the build's log.
export async function precompress(dir) {
  const sizes = [];
  for (const f of await files(dir)) {
    if (COPY.test(f) || !COMPRESSIBLE.test(f)) continue;
    const body = await readFile(f);
    if (body.length < 1024) continue;
    const br = brotliCompressSync(body, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
        [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
        [zlib.BROTLI_PARAM_MODE]: /\.wasm$/.test(f) ? zlib.BROTLI_MODE_GENERIC : zlib.BROTLI_MODE_TEXT,
      },
    });
    const gz = gzipSync(body, { level: 9 });
    if (br.length < body.length) await writeFile(`${f}.br`, br);
    if (gz.length < body.length) await writeFile(`${f}.gz`, gz);
    sizes.push({ file: relative(dir, f), bytes: body.length, br: br.length, gz: gz.length });
  }
  return sizes;
}

async function main() {
  const dir = process.env.TRUNK_STAGING_DIR;
  if (!dir) throw new Error('TRUNK_STAGING_DIR is not set: run through trunk build');
  await externaliseStart(dir);
  const version = await writeServiceWorker(dir);
  console.log(`post-build: CSP set, start script external, service worker ${version}`);
  if (process.env.TRUNK_PROFILE === 'release') {
    for (const s of await precompress(dir)) {
      if (s.bytes > 100_000) console.log(`post-build: ${s.file}: ${s.bytes} bytes, br ${s.br}, gz ${s.gz}`);
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(`post-build: ${e.message}`);
    process.exit(1);
  });
}
