/**
 * Emoji that evaders use in place of a word, and the word they stand for. Deliberately small and neutral: each entry
 * is an everyday object or gesture whose meaning is unambiguous. Emoji not listed here are dropped.
 */
const EMOJI_WORDS: Readonly<Record<string, string>> = {
  '\u{1F92B}': 'secret', // shushing face
  '\u{1F910}': 'secret', // zipper-mouth face
  '\u{1F381}': 'gift', // wrapped gift
  '\u{1F4B0}': 'money', // money bag
  '\u{1F4B5}': 'money', // dollar banknote
  '\u{1F4B4}': 'money', // yen banknote
  '\u{1F4B6}': 'money', // euro banknote
  '\u{1F4B7}': 'money', // pound banknote
  '\u{1F4B8}': 'money', // money with wings
  '\u{1F4B2}': 'money', // heavy dollar sign
  '\u{1FA99}': 'money', // coin
  '\u{1F4B3}': 'card', // credit card
  '\u{1F4F7}': 'photo', // camera
  '\u{1F4F8}': 'photo', // camera with flash
  '\u{1F933}': 'photo', // selfie
  '\u{1F5BC}': 'photo', // framed picture
  '\u{1F4F9}': 'video', // video camera
  '\u{1F3A5}': 'video', // movie camera
  '\u{1F512}': 'private', // locked
  '\u{1F510}': 'private', // locked with key
  '\u{1F4F1}': 'phone', // mobile phone
  '\u{1F4F2}': 'phone', // mobile phone with arrow
  '\u{1F4DE}': 'phone', // telephone receiver
  '\u{260E}': 'phone', // telephone
  '\u{1F3AE}': 'game', // video game
};

/** Code point of each mapped emoji to its word. */
export const EMOJI_WORD_BY_CODE_POINT: ReadonlyMap<number, string> = new Map(
  Object.entries(EMOJI_WORDS).map(([emoji, word]) => [emoji.codePointAt(0) as number, word]),
);
