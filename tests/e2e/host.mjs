// A static host that applies only the rules of hosting/nginx.conf — the hosting guide's
// configuration — to a folder, for the end-to-end test of the release bundle (nginx itself is
// not installed on test machines). Its values (the types, the headers, the cache rule, which
// precompressed copies are served) are read from the configuration file itself; each rule
// below names the nginx line it mirrors. Loopback only. Plain Node, no dependencies.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NGINX_CONF = fileURLToPath(new URL('../../hosting/nginx.conf', import.meta.url));

/// The values of the configuration that the host applies (comments dropped).
export function rules(text = readFileSync(NGINX_CONF, 'utf8')) {
  const conf = text.split('\n').map((l) => l.replace(/#.*$/, '')).join('\n');
  const one = (re, what) => {
    const m = conf.match(re);
    if (!m) throw new Error(`hosting/nginx.conf: нет ${what}`);
    return m;
  };
  // `types { text/html html; … }`
  const types = {};
  for (const line of one(/\btypes\s*\{([^}]*)\}/, 'блока types')[1].split(';')) {
    const [type, ...exts] = line.trim().split(/\s+/);
    for (const e of exts) types[`.${e}`] = type;
  }
  // `add_header Name "value" always;` (server level, inherited by every location)
  const headers = {};
  for (const m of conf.matchAll(/add_header\s+([\w-]+)\s+("([^"]*)"|\S+)\s+always;/g)) {
    const value = m[3] ?? m[2];
    if (!value.startsWith('$')) headers[m[1].toLowerCase()] = value;
  }
  // `map $uri $shkala_cache_control { default "…"; "~regex" "…"; }`
  const map = one(/map\s+\$uri\s+\$shkala_cache_control\s*\{([\s\S]*?)\n\}/, 'map $shkala_cache_control')[1];
  const cache = [...map.matchAll(/"?(~?[^"\s]+|default)"?\s+"([^"]*)";/g)].map((m) => [m[1], m[2]]);
  return {
    types,
    defaultType: one(/default_type\s+(\S+);/, 'default_type')[1],
    charset: conf.match(/\bcharset\s+(\S+);/)?.[1],
    charsetTypes: conf.match(/charset_types\s+([^;]+);/)?.[1].trim().split(/\s+/) ?? ['text/html'],
    headers,
    cache: {
      fallback: cache.find(([k]) => k === 'default')?.[1],
      rules: cache.filter(([k]) => k.startsWith('~')).map(([k, v]) => [new RegExp(k.slice(1)), v]),
    },
    gzip: /\bgzip_static\s+on;/.test(conf),
    gzipVary: /\bgzip_vary\s+on;/.test(conf),
    brotli: /\bbrotli_static\s+on;/.test(conf),
  };
}

/// Serves `root` on 127.0.0.1 by the rules of hosting/nginx.conf.
export function host(root, port = 0) {
  const r = rules();
  // `map $uri $shkala_cache_control` (first matching regex, else `default`)
  const cacheControl = (uri) => r.cache.rules.find(([re]) => re.test(uri))?.[1] ?? r.cache.fallback;
  const isFile = (f) => stat(f).then((s) => s.isFile(), () => false);
  const server = createServer(async (req, res) => {
    const sent = (status, headers, body) => {
      // `add_header … always` at server level: on every answer, 404 included.
      res.writeHead(status, { ...r.headers, ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    let uri = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (uri.includes('..')) return sent(400, {}, 'bad request');
    let file = join(root, uri);
    if (/\.[A-Za-z0-9]+$/.test(uri)) {
      // `location ~ "\.[A-Za-z0-9]+$" { try_files $uri =404; }`
      if (!(await isFile(file))) return sent(404, { 'content-type': 'text/html' }, 'Not Found');
    } else if (!(await isFile(file))) {
      // `location / { try_files $uri /index.html; }` (a folder such as /guide is not a file)
      uri = '/index.html';
      file = join(root, 'index.html');
    }
    // `types { … }`, `default_type`, `charset utf-8; charset_types …;`
    let type = r.types[extname(file)] ?? r.defaultType;
    if (r.charset && r.charsetTypes.includes(type)) type += `; charset=${r.charset}`;
    const headers = { 'content-type': type };
    // `add_header Cache-Control $shkala_cache_control always;` ($uri after try_files)
    const cache = cacheControl(uri);
    if (cache) headers['cache-control'] = cache;
    // `brotli_static on;` / `gzip_static on;` (+ `gzip_vary on;`): a copy beside the file.
    const accepts = String(req.headers['accept-encoding'] ?? '');
    let body = null;
    for (const [on, enc, ext] of [[r.brotli, 'br', '.br'], [r.gzip, 'gzip', '.gz']]) {
      if (body || !on || !accepts.includes(enc) || !(await isFile(file + ext))) continue;
      body = await readFile(file + ext);
      headers['content-encoding'] = enc;
    }
    if (r.gzip && r.gzipVary) headers.vary = 'Accept-Encoding';
    body ??= await readFile(file);
    sent(200, headers, body);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
