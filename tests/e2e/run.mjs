// End-to-end tests of the release build in Debian's headless Chromium, driven by
// playwright-core. Run by ./run test after `trunk build --release`. Screenshots go to
// tests/e2e/out/ (not committed).
import { chromium } from 'playwright-core';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import { serve } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(here, 'out');
await mkdir(out, { recursive: true });

const server = await serve(join(root, 'dist'));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});

const HEADER = 'school_id;school_name;municipality;school_type;year;ege_no_cert_pct;ege_rus_mean;ege_participants;deviant_pct';
function csv(rows) { return '\ufeff' + [HEADER, ...rows].join('\r\n') + '\r\n'; }
const GOOD = csv([
  's1;Школа № 1;Город;secondary;2024;10;70;20;1',
  's1;Школа № 1;Город;secondary;2025;8;72;21;1,5',
  's2;<img src=x onerror=alert(1)>;Город;secondary;2025;2,5;65;18;3',
]);

// A fresh browser context per test: an empty IndexedDB.
async function page(t) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
  const p = await context.newPage();
  p.on('dialog', async (d) => { t.dialogs.push(d.message()); await d.dismiss(); });
  p.on('pageerror', (e) => t.errors.push(String(e)));
  p.on('console', (m) => { if (m.type() === 'error') t.errors.push(m.text()); });
  await p.goto(base + '/');
  await p.getByRole('heading', { name: 'Что хранится в этом браузере' }).waitFor();
  return p;
}

async function importFiles(p, files) {
  await p.goto(base + '/data');
  await p.locator('#import-files').setInputFiles(files.map(([name, text, mimeType]) => ({ name, mimeType, buffer: Buffer.from(text) })));
}

async function applyImport(p) {
  await p.locator('#import-apply').click();
  await p.locator('.status.success').waitFor({ timeout: 30000 });
}

async function download(p, click) {
  const [d] = await Promise.all([p.waitForEvent('download'), click()]);
  return JSON.parse(await readFile(await d.path(), 'utf8'));
}

async function backup(p) {
  await p.goto(base + '/data');
  return download(p, () => p.locator('#export-backup').click());
}

/// The data a backup carries, without the journal (which records the exports and imports
/// themselves) and with records in key order.
function data(b) {
  const s = b.payload.snapshot;
  const sort = (a, key) => [...a].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  return {
    schools: sort(s.schools, (x) => x.school_id),
    submissions: sort(s.submissions, (x) => `${x.row.school_id}\u0000${x.row.year}`),
    assessments: sort(s.assessments, (x) => x.id),
    runs: sort(s.runs, (x) => x.id),
    references: sort(s.references, (x) => x.id),
  };
}

const tests = [];
function test(name, fn) { tests.push({ name, fn }); }

test('the demo region opens with one click on an empty database', async (t) => {
  const p = await page(t);
  await p.screenshot({ path: join(out, '01-home-empty.png'), fullPage: true });
  await p.getByRole('button', { name: 'Открыть демонстрационный регион' }).click();
  await p.locator('.status.success').waitFor({ timeout: 30000 });
  await p.getByText('240 школ в 12 муниципалитетах').waitFor();
  await p.screenshot({ path: join(out, '02-home-demo.png'), fullPage: true });
  await p.goto(base + '/municipality');
  await p.getByRole('button', { name: 'Провести идентификацию' }).click();
  await p.getByText('Идентификация проведена').waitFor({ timeout: 60000 });
  await p.getByRole('list', { name: 'Итоги идентификации' }).waitFor();
  await p.screenshot({ path: join(out, '03-municipality-run.png'), fullPage: false });
});

test('an imported CSV is still there after a reload', async (t) => {
  const p = await page(t);
  await importFiles(p, [['schools.csv', GOOD, 'text/csv']]);
  await p.locator('#import-preview').getByText('новых').first().waitFor();
  await p.screenshot({ path: join(out, '04-import-preview.png'), fullPage: true });
  await applyImport(p);
  await p.reload();
  await p.goto(base + '/school?id=s1');
  await p.getByRole('heading', { name: 'Школа № 1' }).waitFor();
  const cell = p.locator('table.data tbody tr', { hasText: 'Средний балл ЕГЭ по русскому языку' });
  assert.match(await cell.innerText(), /70\s+72/);
  await p.screenshot({ path: join(out, '05-school.png'), fullPage: true });
});

test('a backup exported, cleared and imported again gives identical data', async (t) => {
  const p = await page(t);
  await p.getByRole('button', { name: 'Открыть демонстрационный регион' }).click();
  await p.locator('.status.success').waitFor({ timeout: 30000 });
  await p.goto(base + '/municipality');
  await p.getByRole('button', { name: 'Провести идентификацию' }).click();
  await p.getByText('Идентификация проведена').waitFor({ timeout: 60000 });
  const first = await backup(p);
  assert.equal(first.format, 'shkala');
  assert.equal(first.kind, 'backup');
  assert.equal(first.payload.snapshot.submissions.length, 720);
  assert.equal(first.payload.snapshot.runs.length, 1);

  await p.getByRole('button', { name: 'Удалить все данные…' }).click();
  await p.getByRole('dialog').getByRole('button', { name: 'Удалить', exact: true }).click();
  await p.getByText('Все данные удалены из этого браузера.').waitFor();
  await p.goto(base + '/');
  await p.getByText('Хранилище пусто.').waitFor();

  await importFiles(p, [['backup.json', JSON.stringify(first), 'application/json']]);
  await p.locator('#import-preview').waitFor();
  await applyImport(p);
  const second = await backup(p);
  assert.deepEqual(data(second), data(first));
});

test('a malformed bundle is refused with a clear message and changes nothing', async (t) => {
  const p = await page(t);
  await importFiles(p, [['schools.csv', GOOD, 'text/csv']]);
  await applyImport(p);
  const before = await backup(p);
  const tampered = JSON.parse(JSON.stringify(before));
  tampered.payload.snapshot.schools[0].school_name = 'Подделка';
  await importFiles(p, [['tampered.json', JSON.stringify(tampered), 'application/json']]);
  const alert = p.getByRole('alert');
  await alert.waitFor();
  const text = await alert.innerText();
  assert.match(text, /tampered\.json/);
  assert.match(text, /контрольная сумма не совпадает/);
  assert.equal(await p.locator('#import-apply').count(), 0, 'nothing can be applied');
  await p.screenshot({ path: join(out, '06-malformed.png'), fullPage: true });
  await importFiles(p, [['broken.json', '{"format": "shkala", "version": 1, "kind": ', 'application/json']]);
  await p.getByRole('alert').getByText('broken.json').waitFor();
  const after = await backup(p);
  assert.deepEqual(data(after), data(before));
});

test('a school name with markup is shown as text', async (t) => {
  const p = await page(t);
  await importFiles(p, [['schools.csv', GOOD, 'text/csv']]);
  await applyImport(p);
  await p.goto(base + '/municipality');
  await p.getByText('<img src=x onerror=alert(1)>').first().waitFor();
  assert.equal(await p.locator('img[src="x"]').count(), 0, 'no image element was created');
  await p.goto(base + '/school?id=s2');
  await p.getByRole('heading', { name: '<img src=x onerror=alert(1)>' }).waitFor();
  assert.equal(await p.locator('img[src="x"]').count(), 0);
  assert.deepEqual(t.dialogs, [], 'no script ran');
});

let failed = 0;
for (const { name, fn } of tests) {
  const t = { dialogs: [], errors: [] };
  const started = Date.now();
  try {
    await fn(t);
    assert.deepEqual(t.errors.filter((e) => !e.includes('favicon')), [], 'no errors in the page');
    console.log(`  ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} с)`);
  } catch (e) {
    failed += 1;
    console.log(`  ✗ ${name}\n    ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n    ')}`);
    if (t.errors.length) console.log(`    ошибки страницы: ${t.errors.join(' | ')}`);
  }
}
for (const c of browser.contexts()) await c.close();
await browser.close();
server.close();
console.log(failed ? `\n${failed} из ${tests.length} тестов не прошли` : `\nвсе ${tests.length} тестов прошли`);
process.exit(failed ? 1 : 0);
