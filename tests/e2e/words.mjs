// Proofreading of what the pages show, the same rules as tests/text_lint.rs applies to the
// data files and the program's texts: no engine or developer words, no ids in snake_case, no
// form known to be wrong, a minus and not a hyphen before a number, a dash and not a hyphen
// between numbers.

/// Words of the engine and of developers, as whole ASCII words, in any case.
const FORBIDDEN = ['secondary', 'basic', 'evening', 'primary', 'adapted', 'penitentiary', 'low', 'middle',
  'high', 'risk', 'insufficient', 'unfavourable', 'favourable', 'neutral', 'indexeddb', 'readme'];

/// (wrong form, what is right), plain substrings in lower case.
const WRONG = [
  [' с школ', '«со школ…»'],
  [' с школой', '«со школой»'],
  ['школу-партнёр ', '«школу-партнёра»'],
  ['школу-партнёр.', '«школу-партнёра»'],
  ['школу-партнёр,', '«школу-партнёра»'],
  ['партнеры', '«партнёры» (ё)'],
  ['партнеров', '«партнёров» (ё)'],
  ['п.п.', '«п. п.»'],
  [' еще ', '«ещё» (ё)'],
  [' ее ', '«её» (ё)'],
];

/// Developer words in Russian, as the start of a word in any form.
const DEVELOPER_STEMS = ['контракт', 'транзакци'];

const NOUNS = ['школ', 'строк', 'записей', 'файлов', 'баллов', 'ответов', 'лет'];

/// Every problem of a page's text (one finding per distinct problem and line).
export function textProblems(text, where) {
  const out = new Set();
  for (const raw of text.split(/\n+/)) {
    const line = raw.trim();
    if (!/[а-яё]/i.test(line)) continue;
    const lower = ` ${line.toLowerCase()} `;
    for (const w of lower.split(/[^a-z0-9_]+/)) {
      if (!w) continue;
      if (FORBIDDEN.includes(w)) out.add(`${where}: слово «${w}»: ${line.slice(0, 120)}`);
      if (/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(w)) out.add(`${where}: идентификатор «${w}»: ${line.slice(0, 120)}`);
    }
    for (const w of lower.split(/[^а-яё]+/)) {
      const stem = DEVELOPER_STEMS.find((d) => w.startsWith(d));
      if (stem) out.add(`${where}: слово разработчиков «${w}»: ${line.slice(0, 120)}`);
    }
    for (const [wrong, right] of WRONG) {
      if (lower.includes(wrong)) out.add(`${where}: «${wrong.trim()}» — нужно ${right}: ${line.slice(0, 120)}`);
    }
    const words = lower.split(/\s+/);
    for (let i = 0; i + 1 < words.length; i++) {
      const n = words[i];
      const noun = words[i + 1].replace(/[^а-яё]+$/, '');
      if (/^\d*1$/.test(n) && !/11$/.test(n) && NOUNS.includes(noun)) out.add(`${where}: «${n} ${noun}»: ${line.slice(0, 120)}`);
    }
    // «школ.Взять»: a sentence run into the next text (a button, a link) without a space.
    if (/[а-яё»)]\.[А-ЯЁ][а-яё]/.test(line)) out.add(`${where}: нет пробела после точки: ${line.slice(0, 120)}`);
    if (/\b\d{4}-\d{2}-\d{2}\b/.test(line)) out.add(`${where}: дата не по-русски: ${line.slice(0, 120)}`);
    if (/(^|[\s(])-\d/.test(line)) out.add(`${where}: дефис вместо минуса: ${line.slice(0, 120)}`);
    if (/\d-\d/.test(line.replace(/\d{4}-\d{2}-\d{2}/g, ''))) out.add(`${where}: дефис между числами: ${line.slice(0, 120)}`);
  }
  return [...out];
}

/// The text a person reads on the page now: what is shown, the names of controls, the options
/// of every list and the hints that appear on pointing.
export async function pageText(p) {
  return p.evaluate(() => {
    const parts = [document.title, document.body.innerText];
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], option, [alt]')) {
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(a);
        if (v) parts.push(v);
      }
      if (el.tagName === 'OPTION') parts.push(el.textContent);
    }
    return parts.join('\n');
  });
}
