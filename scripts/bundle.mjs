// The release bundle (`./run bundle`, after scripts/bundle.sh has built the app and the CLI):
// one archive target/bundle/shkala-<version>-<ДД.ММ.ГГГГ>.tar.gz holding the folder
// shkala-<version>-<ДД.ММ.ГГГГ>/ with
//   dist/       the release app as built (hashed files, the service worker, the .br/.gz copies)
//   shkala      the command-line tool for Linux: `./shkala serve --lan` serves dist/ beside it
//   hosting/    the hosting guide's configurations: nginx.conf, apache.htaccess, web.config (IIS)
//   VERSION     «Шкала 0.1.0, сборка от 06.12.2026» (as «О методике» names the build), the commit
//   SHA256SUMS  every other file's SHA-256, as `sha256sum -c SHA256SUMS` checks them
// The name carries the package's version and the build date the app shows. The hosting files
// must carry the Content-Security-Policy of the built index.html letter for letter: the
// bundle is refused otherwise. The end-to-end tests import `pack` to make a bundle of their own.
import { createHash } from 'node:crypto';
import { chmod, copyFile, cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { files } from './post-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const HOSTING = ['nginx.conf', 'apache.htaccess', 'web.config'];

/// The package's version from Cargo.toml, «0.1.0».
export async function packageVersion() {
  const toml = await readFile(join(root, 'Cargo.toml'), 'utf8');
  return toml.match(/^\[package\][\s\S]*?^version\s*=\s*"([^"]+)"/m)[1];
}

/// The build date as build.rs writes it (ДД.ММ.ГГГГ, the UTC day of `SOURCE_DATE_EPOCH`).
export function buildDate(epochSeconds) {
  const d = new Date(epochSeconds * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
}

/// The `content` of index.html's CSP meta.
export function metaCsp(html) {
  return html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/)?.[1];
}

/// Writes `<out>/shkala-<version>-<built>.tar.gz` from the built `dist` and the `cli` binary;
/// returns the archive's path and the folder's name.
export async function pack({ dist, cli, out, version, built, commit = '' }) {
  const name = `shkala-${version}-${built}`;
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const csp = metaCsp(html);
  if (!csp) throw new Error(`${dist}/index.html: нет Content-Security-Policy — это не релизная сборка`);
  for (const f of ['sw.js', 'index.html']) await readFile(join(dist, f));
  for (const h of HOSTING) {
    const text = await readFile(join(root, 'hosting', h), 'utf8');
    if (!text.includes(`"${csp}"`)) {
      throw new Error(`hosting/${h}: Content-Security-Policy не совпадает с index.html — впишите «${csp}»`);
    }
  }
  const folder = join(out, name);
  await rm(folder, { recursive: true, force: true });
  await mkdir(join(folder, 'hosting'), { recursive: true });
  await cp(dist, join(folder, 'dist'), { recursive: true });
  await copyFile(cli, join(folder, 'shkala'));
  await chmod(join(folder, 'shkala'), 0o755);
  for (const h of HOSTING) await copyFile(join(root, 'hosting', h), join(folder, 'hosting', h));
  await writeFile(join(folder, 'VERSION'), `Шкала ${version}, сборка от ${built}\n${commit ? `коммит ${commit}\n` : ''}`);
  const sums = [];
  for (const f of (await files(folder)).sort()) {
    const rel = relative(folder, f).split(sep).join('/');
    sums.push(`${createHash('sha256').update(await readFile(f)).digest('hex')}  ${rel}\n`);
  }
  await writeFile(join(folder, 'SHA256SUMS'), sums.join(''));
  const archive = join(out, `${name}.tar.gz`);
  execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-czf', archive, '-C', out, name]);
  await rm(folder, { recursive: true, force: true });
  return { archive, name };
}

async function main() {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  if (!Number.isFinite(epoch)) throw new Error('SOURCE_DATE_EPOCH не задан: запускайте через ./run bundle');
  const version = await packageVersion();
  const built = buildDate(epoch);
  // The app shows the build date built into its wasm: it must be the one in the name.
  const wasm = (await readdir(join(root, 'dist'))).find((f) => /^shkala-web-.*\.wasm$/.test(f));
  if (!(await readFile(join(root, 'dist', wasm))).includes(Buffer.from(built))) {
    throw new Error(`dist/${wasm}: в сборке нет даты ${built} — соберите приложение заново (./run bundle)`);
  }
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim()) commit += ' (с изменениями)';
  } catch { /* not a git checkout: the VERSION file has no commit line */ }
  const out = join(root, 'target', 'bundle');
  await mkdir(out, { recursive: true });
  const { archive, name } = await pack({ dist: join(root, 'dist'), cli: join(root, 'target', 'release', 'shkala'), out, version, built, commit });
  console.log(`Шкала: архив ${relative(root, archive)}`);
  console.log(`  распаковать: tar -xzf ${name}.tar.gz && cd ${name} && sha256sum -c SHA256SUMS`);
  console.log('  семинар без интернета: ./shkala serve --lan; свой сервер: папка dist и hosting/ (README)');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(`Шкала: архив не собран: ${e.message}`);
    process.exit(1);
  });
}
