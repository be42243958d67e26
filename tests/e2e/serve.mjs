// A static server for dist/ with the single-page-app fallback (unknown paths → index.html),
// so that deep links such as /data survive a reload. Loopback only. Like a static host with
// gzip_static/brotli_static, it serves a file's precompressed copy (name.br, name.gz) when
// the browser accepts it and the copy is not older than the file.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/// `server.setRoot(dir)` serves another build from then on (the update test).
export function serve(root, port = 0) {
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
      for (const [enc, ext] of [['br', '.br'], ['gzip', '.gz']]) {
        if (body || !accepts.includes(enc)) continue;
        const copy = await stat(file + ext).catch(() => null);
        if (copy && copy.mtimeMs >= (await stat(file)).mtimeMs) {
          body = await readFile(file + ext);
          headers['content-encoding'] = enc;
        }
      }
      body ??= await readFile(file);
      res.writeHead(200, headers);
      res.end(body);
    } catch (e) {
      res.writeHead(500); res.end(String(e));
    }
  });
  server.setRoot = (dir) => { root = dir; };
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
