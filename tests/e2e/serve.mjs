// A static server for dist/ with the single-page-app fallback (unknown paths → index.html),
// so that deep links such as /data survive a reload. Loopback only. Like a static host with
// gzip_static/brotli_static, it serves a file's precompressed copy (name.br, name.gz) when
// the browser accepts it and the copy is not older than the file; and it answers a request
// for a file the browser already holds with «304 Not Modified» (ETag, revalidated every time).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

const COPIES = [['br', '.br'], ['gzip', '.gz']];

/// `server.setRoot(dir)` serves another build from then on (the update test);
/// `server.setEncodings(['gzip'])` serves only those copies (a host without Brotli: the bench).
export function serve(root, port = 0) {
  let copies = COPIES;
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
    } catch {
      file = join(root, 'index.html');
    }
    try {
      const accepts = String(req.headers['accept-encoding'] ?? '');
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', vary: 'Accept-Encoding' };
      let body = null;
      let served = file;
      for (const [enc, ext] of copies) {
        if (body || !accepts.includes(enc)) continue;
        const copy = await stat(file + ext).catch(() => null);
        if (copy && copy.mtimeMs >= (await stat(file)).mtimeMs) {
          served = file + ext;
          body = await readFile(served);
          headers['content-encoding'] = enc;
        }
      }
      // Validators as a static host sends them (nginx: ETag and Last-Modified), with every use
      // revalidated: the service worker's first caching of the files the page has just loaded
      // is then answered «304 Not Modified» from the browser's cache, not sent again.
      const info = await stat(served);
      headers.etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
      headers['last-modified'] = info.mtime.toUTCString();
      headers['cache-control'] = 'no-cache';
      if (req.headers['if-none-match'] === headers.etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      body ??= await readFile(file);
      res.writeHead(200, headers);
      res.end(body);
    } catch (e) {
      res.writeHead(500); res.end(String(e));
    }
  });
  server.setRoot = (dir) => { root = dir; };
  server.setEncodings = (names) => { copies = COPIES.filter(([enc]) => names.includes(enc)); };
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
