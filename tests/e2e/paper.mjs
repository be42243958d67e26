// What leaves the app, read back as a person would: a page printed to PDF (as Ctrl+P prints
// it: Playwright's pdf() fires the browser's beforeprint and afterprint) and read with
// poppler's pdftotext and pdftoppm; exported CSV files and every sheet of every workbook.
// Each check names the file and the page that fails it.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import assert from 'node:assert/strict';

/// Words of the code that must never reach a person (ids of categories, bands, school types).
export const RAW_WORDS = ['secondary', 'basic', 'evening', 'low', 'middle', 'high', 'risk', 'insufficient',
  'unfavourable', 'favourable', 'neutral'];
const RAW = new RegExp(`(^|[^A-Za-z_])(${RAW_WORDS.join('|')})(?=$|[^A-Za-z_])`, 'i');
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;
/// Which build of Шкала wrote a page or a file (`domain::version::app_line`).
export const BUILD = /Шкала \d+\.\d+\.\d+, сборка от \d\d\.\d\d\.\d{4}/;

/// Whitespace removed: text wrapped in a table cell reads back in pieces.
const squeeze = (s) => s.replace(/\s+/g, '');
const norm = (s) => s.replace(/\s+/g, ' ').trim();

/// The raw words and ISO dates in `text`, as a list of findings («…word… in file, place»).
export function codeWords(text, where) {
  const found = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const raw = line.match(RAW);
    if (raw) found.push(`«${raw[2]}» в ${where}, строка ${i + 1}: ${line.trim().slice(0, 120)}`);
    const iso = line.match(ISO_DATE);
    if (iso) found.push(`дата ${iso[0]} в ${where}, строка ${i + 1}: ${line.trim().slice(0, 120)}`);
  }
  return found;
}

/// What the printed page holds in the DOM, under print media and in print mode (lists open,
/// every row): the table headers, the headings, and the text of every control.
async function printedDom(p) {
  return p.evaluate(() => {
    const shown = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const text = (el) => el.innerText.replace(/\s+/g, ' ').trim();
    const all = (sel) => [...document.querySelectorAll(sel)];
    return {
      headers: [...new Set(all('main thead th').filter(shown).map(text).filter(Boolean))],
      headings: [...new Set(all('main h1, main h2, main h3, main h4, main h5, main summary, main caption, main thead th')
        .filter(shown).map(text).filter(Boolean))],
      controls: all('main button:not(.as-text), main select, main input, main textarea, main .pager').filter(shown)
        .map((e) => text(e) || e.outerHTML.slice(0, 80)),
    };
  });
}

/// The texts of the page's controls as the screen shows them (they must not be printed).
async function controlTexts(p) {
  return p.evaluate(() => [...new Set([...document.querySelectorAll('main button:not(.as-text), main .pager')]
    .map((e) => e.innerText.replace(/\s+/g, ' ').trim()).filter((t) => t.length >= 6))]);
}

/// The last line of each page's printable area (the running head and the page number are in
/// the margins): its pieces of text and whether each is bold (poppler's pdftohtml -xml).
function lastLines(pdf) {
  const xml = execFileSync('pdftohtml', ['-xml', '-i', '-stdout', pdf], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return xml.split('<page ').slice(1).map((page) => {
    const height = Number(page.match(/height="(\d+)"/)[1]);
    // 16 mm of the page's height are the top and the bottom margins.
    const margin = (height * 16) / 297;
    const items = [...page.matchAll(/<text top="(\d+)" left="(\d+)" width="\d+" height="(\d+)"[^>]*>(.*?)<\/text>/g)]
      .map((m) => ({ top: Number(m[1]), bottom: Number(m[1]) + Number(m[3]), bold: /^<b>.*<\/b>$/.test(m[4]), text: m[4].replace(/<[^>]+>/g, '') }))
      .filter((x) => x.top > margin && x.bottom < height - margin && x.text.trim());
    if (!items.length) return [];
    const last = Math.max(...items.map((x) => x.top));
    return items.filter((x) => x.top >= last - 4);
  });
}

/// Gray page images at 30 dpi: for each page, how far down the printable area the last ink
/// reaches (0–1).
function fills(pdf, dir, name) {
  const prefix = join(dir, `${name}-fill`);
  execFileSync('pdftoppm', ['-gray', '-r', '30', pdf, prefix]);
  const files = readdirSync(dir).filter((f) => f.startsWith(`${name}-fill`) && f.endsWith('.pgm')).sort();
  const out = files.map((f) => {
    const buf = readFileSync(join(dir, f));
    // P5 header: magic, width, height, maxval, each followed by whitespace.
    const head = buf.subarray(0, 40).toString('latin1').split(/\s+/);
    const [w, h] = [Number(head[1]), Number(head[2])];
    const start = buf.length - w * h;
    // The printable area: 16 mm top and bottom margins (the running head and the page number
    // live in them and are not counted).
    const mm = 30 / 25.4;
    const top = Math.ceil(16 * mm), bottom = h - Math.ceil(16 * mm);
    let last = top;
    for (let y = top; y < bottom; y++) {
      const row = buf.subarray(start + y * w, start + (y + 1) * w);
      if (row.some((v) => v < 160)) last = y;
    }
    rmSync(join(dir, f));
    return (last - top) / (bottom - top);
  });
  return out;
}

/// Prints the page to `out/<name>.pdf` (A4, the app's own @page rules), writes every page as a
/// PNG (`out/<name>-N.png`, to look at), and checks what every printed document must be:
/// - every page carries «стр. N из M», the document's title and its date;
/// - every table header of the printed DOM, every `mustShow` text appears in the PDF;
/// - no page ends with a heading;
/// - no page is more than three-quarters empty unless the next begins a section (or it is the
///   last);
/// - no control is printed (DOM) and no control's text is in the PDF;
/// - no ISO date and none of the raw code words.
/// Returns { pages, text (per page), dom }.
export async function printAndCheck(p, out, name, { title, date, mustShow = [], allowEmptyLast = true } = {}) {
  const controls = await controlTexts(p);
  await p.emulateMedia({ media: 'print' });
  await p.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  await p.waitForTimeout(500);
  const dom = await printedDom(p);
  await p.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  const pdf = join(out, `${name}.pdf`);
  await p.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
  await p.emulateMedia({ media: 'screen' });
  for (const f of readdirSync(out).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))) rmSync(join(out, f));
  execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(out, name)]);
  const whole = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const pages = whole.split('\f').slice(0, -1);
  const raw = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\f').slice(0, -1);
  const n = pages.length;
  const where = (i) => `${basename(pdf)}, стр. ${i + 1}`;
  const problems = [];

  // The running head and the page number.
  pages.forEach((t, i) => {
    const s = norm(t);
    if (!s.includes(`стр. ${i + 1} из ${n}`)) problems.push(`${where(i)}: нет «стр. ${i + 1} из ${n}»`);
    if (title && !squeeze(t).includes(squeeze(title))) problems.push(`${where(i)}: нет заголовка «${title}»`);
    if (date && !s.includes(date)) problems.push(`${where(i)}: нет даты ${date}`);
    if (!BUILD.test(s)) problems.push(`${where(i)}: не указана сборка Шкалы`);
  });

  // Everything the printed DOM shows in its table headers, and what the caller names. A text
  // wrapped in a narrow cell reads back in pieces, interleaved with the next cells: it is
  // found whole, or else every word of it is found on one page.
  const words = (s) => s.split(/[\s\-–—]+/).map((w) => w.replace(/^[«(,.;:]+|[»),.;:]+$/g, '')).filter((w) => w.length > 1);
  const pageWords = raw.map((t) => new Set(words(t)));
  const found = (text) => {
    const s = squeeze(text);
    if (raw.some((t) => squeeze(t).includes(s)) || pages.some((t) => squeeze(t).includes(s))) return true;
    const ws = words(text);
    return pageWords.some((set) => ws.every((w) => set.has(w) || [...set].some((x) => x.includes(w))));
  };
  for (const h of [...dom.headers, ...mustShow]) {
    if (!found(h)) problems.push(`${basename(pdf)}: в PDF нет «${h}»`);
  }

  // No page ends with a heading, a caption or a table's header: the last line of a page's
  // printable area is bold, and each piece of it is (a part of) a heading, a caption or a
  // header cell of the printed DOM.
  const headings = dom.headings.map(squeeze).filter((h) => h.length > 1);
  lastLines(pdf).forEach((line, i) => {
    if (i === n - 1 || !line.length) return;
    const text = line.map((x) => x.text).join(' ');
    const isHeading = (piece) => headings.some((h) => h.includes(squeeze(piece)));
    if (line.every((x) => x.bold && isHeading(x.text))) {
      problems.push(`${where(i)}: страница кончается заголовком или шапкой таблицы «${text}»`);
    }
  });

  // No near-empty page in the middle of a section.
  const f = fills(pdf, out, name);
  f.forEach((v, i) => {
    if (v >= 0.25 || (i === n - 1 && allowEmptyLast)) return;
    const next = squeeze(raw[i + 1] ?? '');
    // The next page's first text after the running head.
    const starts = headings.some((h) => next.slice(0, 400).includes(h) && next.indexOf(h) < 200);
    if (!starts) problems.push(`${where(i)}: страница заполнена на ${Math.round(v * 100)} %, а следующая не начинает раздел`);
  });

  // No controls.
  if (dom.controls.length) problems.push(`${basename(pdf)}: печатаются элементы управления: ${dom.controls.slice(0, 5).join(' | ')}`);
  // A printed control would stand on a line of its own.
  const lines = new Set(whole.split('\n').map(norm));
  for (const c of controls) {
    if (lines.has(c)) problems.push(`${basename(pdf)}: в PDF текст кнопки «${c}»`);
  }

  // No code words, no ISO dates.
  pages.forEach((t, i) => problems.push(...codeWords(t, where(i))));

  assert.deepEqual(problems, [], `${name}: ${problems.length} замечаний`);
  return { pages, raw, dom, fills: f };
}

/// The comment of a workbook's document properties (Excel: «Файл → Сведения»).
export function workbookComment(path) {
  const py = `
import sys, zipfile, re, html
x = zipfile.ZipFile(sys.argv[1]).read('docProps/core.xml').decode()
m = re.search(r'<dc:description>([^<]*)</dc:description>', x)
print(html.unescape(m.group(1)) if m else '')
`;
  return execFileSync('python3', ['-c', py, path], { encoding: 'utf8' }).trim();
}

/// Every text cell of every sheet of an .xlsx workbook (shared and inline strings), one per
/// line, with the sheet names first.
export function workbookText(path) {
  const py = `
import sys, zipfile, re, html
z = zipfile.ZipFile(sys.argv[1])
names = [n for n in z.namelist() if n.endswith('.xml')]
out = []
wb = z.read('xl/workbook.xml').decode()
out += [html.unescape(m) for m in re.findall(r'<sheet [^>]*name="([^"]*)"', wb)]
for n in names:
    if n == 'xl/sharedStrings.xml' or n.startswith('xl/worksheets/sheet'):
        x = z.read(n).decode()
        out += [html.unescape(m) for m in re.findall(r'<t[^>]*>([^<]*)</t>', x)]
print('\\n'.join(out))
`;
  return execFileSync('python3', ['-c', py, path], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

/// Text cells of a workbook that are numbers or JSON written as text («'0.25'», «"participants"»).
export function numbersAsText(path) {
  return workbookText(path).split('\n').filter((s) => /^-?\d+\.\d+$/.test(s) || /^".*"$/.test(s));
}
