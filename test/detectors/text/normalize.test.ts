import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalize, type NormalizedText, originalSpan, skeleton, type Tactic } from '../../../src/detectors/text/normalize/index.js';

/** Finds `term` in the normalised text and returns the original substring it came from. */
function originalOf(n: NormalizedText, original: string, term: string): string {
  const at = n.normalized.indexOf(term);
  assert.ok(at >= 0, `"${term}" not found in "${n.normalized}"`);
  const span = originalSpan(n, at, at + term.length);
  return original.slice(span.start, span.end);
}

// Obfuscated spellings of one neutral term and the tactics each one uses.
const SECRET_SPELLINGS: ReadonlyArray<readonly [label: string, spelling: string, tactics: readonly Tactic[]]> = [
  ['Cyrillic look-alikes', 'ѕесrеt', ['homoglyph']],
  ['Cyrillic capitals', 'ЅЕСRЕТ', ['homoglyph']],
  ['Greek and Cyrillic, no ASCII at all', 'ѕεсrεт', ['homoglyph']],
  ['Greek epsilon among ASCII', 'ѕεcrεt', ['homoglyph']],
  ['fullwidth', 'ｓｅｃｒｅｔ', ['homoglyph']],
  ['mathematical bold', '𝐬𝐞𝐜𝐫𝐞𝐭', ['homoglyph']],
  ['mathematical script', '𝓈𝑒𝒸𝓇𝑒𝓉', ['homoglyph']],
  ['Cherokee', 'ᏚᎬᏟᏒᎬᎢ', ['homoglyph']],
  ['circled letters', 'ⓢⓔⓒⓡⓔⓣ', ['homoglyph']],
  ['Latin small capital', 'ꜱecret', ['homoglyph']],
  ['zero-width space', 'sec\u200Bret', ['zero_width']],
  ['joiners, word joiner, BOM, soft hyphen', 's\u200Ce\u200Dc\u2060r\uFEFFe\u00ADt', ['zero_width']],
  ['bidi mark and override', 'sec\u200Er\u202Eet', ['zero_width']],
  ['variation selector', 'sec\uFE0Fret', ['zero_width']],
  ['leet', 's3cr3t', ['leet']],
  ['leet with a leading digit', '5ecr3t', ['leet']],
  ['leet at both ends only', '5ecre7', ['leet']],
  ['leet leading digit only', '5ecret', ['leet']],
  ['dollar sign', '$ecret', ['leet']],
  ['spaces', 's e c r e t', ['spacing']],
  ['dots', 's.e.c.r.e.t', ['spacing']],
  ['hyphens', 's-e-c-r-e-t', ['spacing']],
  ['underscores', 's_e_c_r_e_t', ['spacing']],
  ['several spaces', 's  e  c  r  e  t', ['spacing']],
  ['repetition', 'seeecrettt', ['repetition']],
  ['repetition at the start', 'sssssecret', ['repetition']],
  ['homoglyphs and leet', 'ѕ3сr3t', ['homoglyph', 'leet']],
  ['leet and spacing', 's 3 c r 3 t', ['leet', 'spacing']],
  ['homoglyphs and spacing', 'ѕ.е.с.r.е.t', ['homoglyph', 'spacing']],
  ['styled letters and spacing', '𝐬 𝐞 𝐜 𝐫 𝐞 𝐭', ['homoglyph', 'spacing']],
  ['fullwidth and leet', 'ｓ3ｃｒ3ｔ', ['homoglyph', 'leet']],
  ['four tactics at once', 'sеее\u200Bcr3ttt', ['homoglyph', 'zero_width', 'leet', 'repetition']],
  ['emoji', '🤫', ['emoji']],
  ['zipper-mouth emoji', '🤐', ['emoji']],
  ['accents and case are not tactics', 'SÉCRÈT', []],
];

test('every obfuscated spelling of a term normalises to the term, with its tactics', () => {
  for (const [label, spelling, tactics] of SECRET_SPELLINGS) {
    const n = normalize(spelling);
    assert.equal(n.normalized, 'secret', label);
    assert.deepEqual(n.tactics, tactics, label);
  }
});

test('inside a sentence, the offsets of the term cover exactly the obfuscated original', () => {
  for (const [label, spelling, tactics] of SECRET_SPELLINGS) {
    const sentence = `Remember, this is our ${spelling}, ok?`;
    const n = normalize(sentence);
    // An emoji's word gets a space on each side.
    assert.equal(n.normalized, `remember, this is our secret${tactics.includes('emoji') ? ' ' : ''}, ok?`, label);
    assert.deepEqual(n.tactics, tactics, label);
    assert.equal(originalOf(n, sentence, 'secret'), spelling, label);
  }
});

test('a multi-word phrase meets its obfuscations at the skeleton, and maps back to the original', () => {
  const phrase = 'keep it between us';
  const key = skeleton(normalize(phrase)).normalized;
  assert.equal(key, 'kep it betwen us');
  const disguises: ReadonlyArray<readonly [string, readonly Tactic[]]> = [
    ['Keep it between us', []],
    ['kееp іt bеtwееn us', ['homoglyph']],
    ['k33p 1t b3tw33n u5', ['leet']],
    ['keep it b e t w e e n us', ['spacing']],
    ['keeeep it betweeeeen usss', ['repetition']],
    ['ke\u200Bep it be\u200Btween us', ['zero_width']],
    ['K E E P it b3tw33n 𝐮𝐬', ['homoglyph', 'leet', 'spacing']],
  ];
  for (const [disguise, tactics] of disguises) {
    const sentence = `ok so ${disguise}! see you`;
    const n = normalize(sentence);
    assert.deepEqual(n.tactics, tactics, disguise);
    const s = skeleton(n);
    assert.deepEqual(s.tactics, tactics);
    assert.equal(originalOf(s, sentence, key), disguise, disguise);
  }
});

test('listed emoji become words with spaces around them; other emoji are dropped', () => {
  assert.deepEqual(normalize('keep it between us 🤫'), {
    normalized: 'keep it between us secret',
    tactics: ['emoji'],
    offsets: [...Array.from({ length: 19 }, (_, i) => i), ...Array(6).fill(19), 21],
  });
  assert.equal(normalize('want a 🎁? I can send 💰💵').normalized, 'want a gift ? i can send money money');
  assert.equal(normalize('send a 📷 on your 📱').normalized, 'send a photo on your phone');
  assert.equal(normalize('🔒 chat').normalized, 'private chat');
  // Unlisted emoji (and their skin tones, flags, joiners, variation selectors) leave nothing behind and no tactic.
  for (const text of ['ok 👍🏽', '👨‍👩‍👧 family', '❤️ you', '🇫🇷 trip', 'ok 😀']) {
    const n = normalize(text);
    assert.deepEqual(n.tactics, [], text);
    assert.ok(!/[^\x20-\x7e]/.test(n.normalized), `${text} -> ${n.normalized}`);
  }
  // An unlisted emoji stuffed inside a word is dropped, joining the word again: that is a tactic.
  assert.deepEqual(normalize('se😀cret'), { normalized: 'secret', tactics: ['emoji'], offsets: [0, 1, 4, 5, 6, 7, 8] });
  // The word of an emoji with a variation selector still covers just the emoji.
  const text = 'our 🤫\uFE0F ok';
  assert.equal(originalOf(normalize(text), text, 'secret'), '🤫');
});

test('ordinary text is not mangled', () => {
  const unchanged = [
    'i am 13 years old',
    'meet at 5',
    'see you at 5pm, i was 13yo in 2019, 1st time, 5years, 4ever, b4, gr8, mp3, covid19',
    'alex7 and sam22 said hi, see you on the 3rd or the 21st',
    'call 555-0134 or +44 20 7946 0958',
    'it costs $100 or €20',
    'coffee, bookkeeper, balloon, committee, sheep, keep, good',
    'hello!!! really?? ok...',
    '@alex see www.example.com/a1b3 or https://example.org/s3cr3t or me@example.com',
    'привет, как дела',
    'καλημέρα'.normalize('NFD').replace(/\p{M}/gu, ''),
    'i like it',
    'top 10 list',
  ];
  for (const text of unchanged) {
    const n = normalize(text);
    assert.equal(n.normalized, text, text);
    assert.deepEqual(n.tactics, [], text);
  }
  assert.deepEqual(normalize('I am 13 years old'), {
    normalized: 'i am 13 years old',
    tactics: [],
    offsets: Array.from({ length: 18 }, (_, i) => i),
  });
});

test('case, accents, compatibility forms and whitespace fold without counting as tactics', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['  Café   NAÏVE\n\tStraße  ', 'cafe naive strasse'],
    ['I’m fine´', "i'm fine'"],
    ['ﬁne ½', 'fine 1/2'],
    ['Łódź, Ørsted', 'lodz, orsted'],
    ['e\u0301te\u0301', 'ete'],
    ['i am １３', 'i am 13'],
    ['hi\u00A0there\u3000you', 'hi there you'],
    ['persian: می‌خواهم', 'persian: میخواهم'],
    ['', ''],
    ['\u200B \u200B', ''],
  ];
  for (const [text, expected] of cases) {
    const n = normalize(text);
    assert.equal(n.normalized, expected, JSON.stringify(text));
    assert.deepEqual(n.tactics, [], JSON.stringify(text));
  }
});

test('a genuine Greek or Russian word keeps its letters; look-alikes fold when the word is disguised Latin', () => {
  const cases: ReadonlyArray<readonly [string, string, readonly Tactic[]]> = [
    ['секрет и сор', 'секрет и сор', []], // Russian words, even those made only of look-alike letters
    ['καλο ρος', 'καλο ροσ', []], // final sigma case-folds to σ
    ['привет ѕесrеt', 'привет secret', ['homoglyph']],
    ['рісѕ', 'pics', ['homoglyph']], // only Cyrillic, but letters Russian does not use
    ['send me а photo', 'send me a photo', ['homoglyph']], // a Cyrillic "а" among Latin words
    ['Ιnvite', 'invite', ['homoglyph']], // Greek capital iota lands on i, not on the prototype l
    ['wait… ok — “fine” «oui»', 'wait... ok - "fine" "oui"', []],
  ];
  for (const [text, expected, tactics] of cases) {
    const n = normalize(text);
    assert.equal(n.normalized, expected, text);
    assert.deepEqual(n.tactics, tactics, text);
  }
});

test('leet is read only inside words that hold letters', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['h3ll0 fr13nd', 'hello friend'],
    ['pr!vate', 'private'],
    ['pr|vate', 'private'],
    ['c@ll me', 'call me'],
    ['s3nd a ph0t0', 'send a photo'],
    ['th1s 1s c00l', 'this is cool'],
    ['secret!', 'secret!'],
    ['!secret', '!secret'],
    ['|secret|', '|secret|'],
    ['@s3cr3t', '@secret'],
    ['5 years', '5 years'],
    ['2day 4u', '2day 4u'],
    ['k33p 1t b3tw33n u5', 'keep it between us'], // "1t" and "u5" only beside clear leet
    ['1t is 5k, u5 are 1m', '1t is 5k, u5 are 1m'],
  ];
  for (const [text, expected] of cases) assert.equal(normalize(text).normalized, expected, text);
});

test('spacing joins runs of single characters and never glues ordinary words', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['p.h.o.t.o please', 'photo please'],
    ['it is a b c', 'it is abc'],
    ['a b', 'a b'],
    ['1 2 3 4', '1 2 3 4'],
    ['x 1 2 3', 'x 1 2 3'],
    ['s e c-r e t', 'sec-ret'],
    ['me and you', 'me and you'],
    ['s e c r e t s', 'secrets'],
    ['s. e. c. r. e. t', 's. e. c. r. e. t'],
  ];
  for (const [text, expected] of cases) assert.equal(normalize(text).normalized, expected, text);
});

test('offsets: one per normalised character plus the original length, in order, inside the original', () => {
  const texts = [
    ...SECRET_SPELLINGS.map(([, s]) => `a ${s} b`),
    'ﬁne ½ Straße', '👨‍👩‍👧 🤫 💰 ok', '  spaced   out  ', 'K E E P it b3tw33n 𝐮𝐬', '\uD800 lone surrogate',
  ];
  for (const text of texts) {
    const n = normalize(text);
    assert.equal(n.offsets.length, n.normalized.length + 1, text);
    assert.equal(n.offsets[n.normalized.length], text.length, text);
    for (let i = 0; i < n.normalized.length; i++) {
      const o = n.offsets[i] as number;
      assert.ok(o >= 0 && o < text.length, `${text}: offset ${o}`);
      assert.ok(i === 0 || o >= (n.offsets[i - 1] as number), `${text}: offsets out of order at ${i}`);
    }
  }
});

test('skeleton collapses every doubled letter, so a stretched word meets its term', () => {
  const good = skeleton(normalize('good'));
  const stretched = skeleton(normalize('it was goooood!'));
  assert.equal(good.normalized, 'god');
  assert.equal(stretched.normalized, 'it was god!');
  assert.deepEqual(stretched.tactics, ['repetition']);
  assert.equal(skeleton(normalize('room 1001, coffee')).normalized, 'rom 1001, cofe');
  assert.equal(originalOf(stretched, 'it was goooood!', 'god'), 'goooood');
});

test('originalSpan of an empty range is an empty range', () => {
  const n = normalize('abc');
  assert.deepEqual(originalSpan(n, 1, 1), { start: 1, end: 1 });
});
