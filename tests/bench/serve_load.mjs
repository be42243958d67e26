// `shkala serve` under a room's first loads: 30 devices open the app at the same moment.
// Budget: every first load done within 10 s in total, on the project's 2-core machine.
//
// Starts `target/release/shkala serve --dir dist --port 0` (another program: SHKALA_BIN; another
// folder: SHKALA_DIST), reads the port from its first line, then runs 30 clients at once. Each
// is a device of its own (its own connections, at most 6, as a browser keeps per host) and
// loads what a first visit loads:
//   1. index.html;
//   2. the page's files and what the service worker caches at install: every file of sw.js's
//      list, and sw.js itself;
//   3. the service worker's install asks again for every file the browser must revalidate
//      (`no-cache`), with the ETag it got (304); the hashed, immutable files come from the
//      browser's cache and are not asked again.
// Requests carry `Accept-Encoding: gzip, deflate, br, zstd`, as Chromium sends; the bodies are
// counted, not decompressed (the browser's work, not the server's). Every answer is checked:
// status, and as many bytes as Content-Length says.
//
// Plain Node, no dependencies. Prints the total and fails (exit 1) over the budget.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = process.env.SHKALA_BIN ?? join(root, 'target', 'release', 'shkala');
const dist = process.env.SHKALA_DIST ?? join(root, 'dist');
const CLIENTS = Number(process.env.SERVE_CLIENTS ?? 30);
const BUDGET_S = 10;
const SOCKETS_PER_DEVICE = 6;
const ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

// The files a first visit loads: sw.js's list (written by scripts/post-build.mjs).
const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
const list = sw.match(/const FILES = (\[[^\]]*\]);/);
if (!list) throw new Error(`${dist}/sw.js has no FILES list`);
const files = JSON.parse(list[1]).filter((f) => f !== '/index.html');

const server = spawn(bin, ['serve', '--dir', dist, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
const lines = createInterface({ input: server.stdout });
const closed = new Promise((resolve) => lines.on('close', resolve));
const output = [];
const first = await new Promise((resolve, reject) => {
  lines.on('line', (l) => { output.push(l); if (output.length === 1) resolve(l); });
  server.on('exit', (code) => reject(new Error(`shkala serve exited (${code}) before listening`)));
});
const port = Number(first.match(/^Шкала: сервер слушает 127\.0\.0\.1:(\d+)$/)?.[1]);
if (!port) throw new Error(`unexpected first line: ${first}`);

/// One GET over a device's agent: { status, etag, bytes, immutable }.
function get(agent, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { 'Accept-Encoding': ACCEPT_ENCODING, ...headers } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => { bytes += chunk.length; });
      res.on('end', () => {
        const length = Number(res.headers['content-length'] ?? 0);
        if (res.statusCode === 200 && bytes !== length) {
          reject(new Error(`${path}: ${bytes} bytes of ${length}`));
          return;
        }
        resolve({
          status: res.statusCode,
          etag: res.headers.etag,
          bytes,
          immutable: /immutable/.test(res.headers['cache-control'] ?? ''),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/// Runs `tasks` (functions returning promises) at most `n` at a time.
async function pool(n, tasks) {
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  }));
  return results;
}

function expect(path, r, status) {
  if (r.status !== status) throw new Error(`${path}: status ${r.status}, expected ${status}`);
}

/// One device's first visit; the bytes it received.
async function firstLoad() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SOCKETS_PER_DEVICE });
  let bytes = 0;
  const index = await get(agent, '/');
  expect('/', index, 200);
  bytes += index.bytes;
  const paths = [...files, '/sw.js'];
  const loaded = await pool(SOCKETS_PER_DEVICE, paths.map((p) => () => get(agent, p)));
  loaded.forEach((r, i) => { expect(paths[i], r, 200); bytes += r.bytes; });
  // The service worker's install: the revalidated files asked again with their validators.
  const again = paths.map((p, i) => [p, loaded[i]]).filter(([p, r]) => !r.immutable && p !== '/sw.js');
  const revalidated = await pool(SOCKETS_PER_DEVICE, again.map(([p, r]) => () => get(agent, p, { 'If-None-Match': r.etag })));
  revalidated.forEach((r, i) => { expect(again[i][0], r, 304); bytes += r.bytes; });
  agent.destroy();
  return { bytes, requests: 1 + paths.length + again.length };
}

let failure;
let seconds = 0;
let total = { bytes: 0, requests: 0 };
try {
  const start = performance.now();
  const loads = await Promise.all(Array.from({ length: CLIENTS }, firstLoad));
  seconds = (performance.now() - start) / 1000;
  total = loads.reduce((a, b) => ({ bytes: a.bytes + b.bytes, requests: a.requests + b.requests }), total);
} catch (e) {
  failure = e;
}

server.kill('SIGTERM');
const { code } = await exited;
await closed;

if (failure) {
  console.error(`shkala serve: a first load failed: ${failure.message}`);
  process.exit(1);
}
console.log(`shkala serve: ${CLIENTS} parallel first loads (${files.length + 2} files each, ${total.requests} requests, ${(total.bytes / 1e6).toFixed(1)} MB) in ${seconds.toFixed(2)} s (budget ${BUDGET_S} s)`);
if (code !== 0 || !output.includes('Сервер остановлен.')) {
  console.error(`shkala serve did not stop cleanly on SIGTERM (exit ${code})`);
  process.exit(1);
}
if (seconds > BUDGET_S) {
  console.error(`over the budget: ${seconds.toFixed(2)} s > ${BUDGET_S} s`);
  process.exit(1);
}
