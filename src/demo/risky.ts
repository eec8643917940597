/**
 * Risky demo text: adult-to-minor conversations that carry ONLY neutral indicators (an age question, flattery, a
 * request for secrecy, isolation from parents, a move to another app, a gift or money offer, a bare request for a
 * photo, a request to meet) and a sextortion pattern (a threat to share a chat plus a payment demand). Some phrases
 * are obfuscated the way evaders do it, so the normaliser has something to undo. Every line says which indicators
 * and which obfuscation tactics it carries: that is the demo's ground truth for evaluation and model training.
 */
import type { AgeBand } from '../core/types.js';
import type { Indicator } from '../detectors/indicators.js';
import type { Tactic } from '../detectors/text/normalize/index.js';
import { DEMO_APPS, fill } from './corpus.js';
import type { Rng } from './random.js';

/** The category a reviewer would give a line carrying each indicator: the demo's labels. */
export const INDICATOR_CATEGORY: Record<Indicator, string> = {
  age_probing: 'CSE-13', flattery: 'CSE-13', secrecy: 'CSE-13', isolation: 'CSE-13', platform_move: 'CSE-13',
  gift_offer: 'CSE-13', photo_request: 'CSE-05', meeting_request: 'CSE-05', threat: 'CSE-06', payment_demand: 'CSE-06',
};

export function labelsOf(indicators: readonly Indicator[]): string[] {
  return [...new Set(indicators.map((i) => INDICATOR_CATEGORY[i]))].sort();
}

/** A template whose `{T}` is the indicator phrase (the part an obfuscator disguises). */
interface IndicatorTemplate { indicator: Indicator; text: string; phrase: string }

const TEMPLATES: readonly IndicatorTemplate[] = [
  { indicator: 'age_probing', text: '{T}?', phrase: 'how old are you' },
  { indicator: 'age_probing', text: '{T} btw?', phrase: 'how old are you' },
  { indicator: 'age_probing', text: 'what grade are you in? {T}?', phrase: 'how old are you' },
  { indicator: 'flattery', text: '{T}', phrase: 'you are so mature for your age' },
  { indicator: 'flattery', text: "honestly {T}, not like the others", phrase: 'you are really special' },
  { indicator: 'secrecy', text: 'this is {T}, ok?', phrase: 'our little secret' },
  { indicator: 'secrecy', text: '{T} that we talk', phrase: "don't tell your parents" },
  { indicator: 'secrecy', text: '{T} about this chat', phrase: 'dont tell your parents' },
  { indicator: 'secrecy', text: "let's {T}", phrase: 'keep this between us' },
  { indicator: 'isolation', text: "{T}, but I do", phrase: 'your parents dont understand you' },
  { indicator: 'isolation', text: '{T}, you can talk to me instead', phrase: 'your friends dont get you' },
  { indicator: 'platform_move', text: '{T} {app}, it is easier', phrase: 'add me on' },
  { indicator: 'platform_move', text: "let's {T}", phrase: 'talk on another app' },
  { indicator: 'gift_offer', text: '{T} for {game}', phrase: "i'll buy you a gift card" },
  { indicator: 'gift_offer', text: 'want a {T}? I can send one', phrase: 'gift card' },
  { indicator: 'gift_offer', text: "{T} if you want, it's nothing", phrase: 'i can send you money' },
  { indicator: 'photo_request', text: '{T}', phrase: 'send me a photo' },
  { indicator: 'photo_request', text: '{T} first', phrase: 'send me a pic' },
  { indicator: 'meeting_request', text: 'we should {T} sometime', phrase: 'meet up alone' },
  { indicator: 'meeting_request', text: '{T} at {place}?', phrase: 'can we meet' },
];

/** The grooming stages in the order they usually unfold, after the opener and the age question. */
const STAGES: readonly Indicator[] = [
  'flattery', 'secrecy', 'isolation', 'platform_move', 'gift_offer', 'photo_request', 'meeting_request',
];

const MINOR_REPLIES = ['ok', 'why?', 'idk', 'ok i guess', 'really?', 'maybe', 'lol ok', 'hm'];

// ---- obfuscation ------------------------------------------------------------------------------------------------

/** Latin letters and their Cyrillic look-alikes, as evaders use them. */
const HOMOGLYPHS: Record<string, string> = { a: 'а', c: 'с', e: 'е', i: 'і', o: 'о', p: 'р', s: 'ѕ', x: 'х', y: 'у' };
const LEET: Record<string, string> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7' };
const EMOJI_FOR: Record<string, string> = { secret: '🤫', gift: '🎁', money: '💰', photo: '📷', pic: '📷' };
export const OBFUSCATIONS = ['homoglyph', 'zero_width', 'leet', 'spacing', 'repetition', 'emoji'] as const satisfies readonly Tactic[];
export type Obfuscation = (typeof OBFUSCATIONS)[number];

function mapSome(rng: Rng, word: string, table: Record<string, string>, share: number): string {
  const out = [...word].map((ch) => (table[ch] && rng.chance(share) ? table[ch] : ch));
  // At least one substitution, so the line really carries the tactic it claims.
  if (out.join('') === word) {
    const at = [...word].findIndex((ch) => table[ch]);
    if (at >= 0) out[at] = table[word[at] as string] as string;
  }
  return out.join('');
}

/** Disguises one phrase with one tactic; returns null when the tactic does not apply to it. */
export function obfuscate(rng: Rng, phrase: string, tactic: Obfuscation): string | null {
  const words = phrase.split(' ');
  const longest = words.reduce((best, w, i) => (w.length > (words[best] as string).length ? i : best), 0);
  const target = words[longest] as string;
  const replaceTarget = (w: string): string => words.map((x, i) => (i === longest ? w : x)).join(' ');
  switch (tactic) {
    case 'homoglyph': return words.some((w) => /[aceiopsxy]/.test(w)) ? words.map((w) => mapSome(rng, w, HOMOGLYPHS, 0.5)).join(' ') : null;
    // The last letter stays: a trailing digit reads as a username ("alex7"), which the normaliser leaves alone.
    case 'leet': return /[aeiost]/.test(target.slice(0, -1)) && /^[a-z]+$/.test(target)
      ? replaceTarget(mapSome(rng, target.slice(0, -1), LEET, 0.6) + target.slice(-1))
      : null;
    case 'zero_width': return target.length >= 3 ? replaceTarget([...target].join('\u200b')) : null;
    // Not a word starting with "a" or "i": spaced out, its first letter reads as the word "a" or "I".
    case 'spacing': return /^[b-hj-z][a-z]{3,}$/.test(target) ? replaceTarget([...target].join(rng.pick([' ', '.', '-']))) : null;
    case 'repetition': {
      const at = [...target].findIndex((ch, i) => /[aeiou]/.test(ch) && target[i + 1] !== ch && target[i - 1] !== ch);
      return at < 0 ? null : replaceTarget(target.slice(0, at) + (target[at] as string).repeat(rng.int(3, 5)) + target.slice(at + 1));
    }
    case 'emoji': {
      const word = words.find((w) => EMOJI_FOR[w]);
      return word ? `${phrase} ${EMOJI_FOR[word]}` : null;
    }
  }
}

// ---- lines and scripts ------------------------------------------------------------------------------------------

export interface ScriptLine {
  from: 'adult' | 'minor';
  text: string;
  indicators: Indicator[];
  /** Obfuscation applied to the line's phrase (ground truth for the normaliser's tactics). */
  tactics: Obfuscation[];
}

function render(rng: Rng, t: IndicatorTemplate, obfuscation: Obfuscation | null): ScriptLine {
  let phrase = t.phrase;
  const tactics: Obfuscation[] = [];
  if (obfuscation) {
    const disguised = obfuscate(rng, phrase, obfuscation);
    if (disguised) {
      phrase = disguised;
      tactics.push(obfuscation);
    }
  }
  if (rng.chance(0.3) && tactics.length === 0) phrase = phrase.charAt(0).toUpperCase() + phrase.slice(1);
  const text = fill(rng, t.text.replace('{T}', phrase).replace('{app}', rng.pick(DEMO_APPS)));
  return { from: 'adult', text, indicators: [t.indicator], tactics };
}

function line(rng: Rng, indicator: Indicator, obfuscationShare: number): ScriptLine {
  const t = rng.pick(TEMPLATES.filter((x) => x.indicator === indicator));
  return render(rng, t, rng.chance(obfuscationShare) ? rng.pick(OBFUSCATIONS) : null);
}

export function ageFor(rng: Rng, band: AgeBand): number {
  return band === 'under_13' ? rng.int(11, 12) : band === '13_15' ? rng.int(13, 15) : band === '16_17' ? rng.int(16, 17) : 14;
}

export function ageMention(rng: Rng, band: AgeBand): string {
  const age = ageFor(rng, band);
  return rng.pick([`I'm ${age}`, `im ${age}`, `${age}, why?`, `I'm ${age} lol`]);
}

const reply = (text: string): ScriptLine => ({ from: 'minor', text, indicators: [], tactics: [] });

/**
 * An adult-to-minor conversation unfolding over several messages: a friendly opener, an age question and answer,
 * then four or five grooming stages in their usual order, the minor answering in between. About a quarter of the
 * indicator phrases are obfuscated.
 */
export function riskyConversation(rng: Rng, minorBand: AgeBand): ScriptLine[] {
  const opener = fill(rng, rng.pick(['hey! saw your {game} clip, you are really good', 'hi, nice {sport} post', 'hey, love {band} too']));
  const lines: ScriptLine[] = [
    { from: 'adult', text: opener, indicators: [], tactics: [] },
    reply(rng.pick(['thanks lol', 'thx', 'haha thanks'])),
    line(rng, 'age_probing', 0.25),
    reply(ageMention(rng, minorBand)),
  ];
  const chosen = new Set(rng.sample(STAGES, rng.int(4, 5)));
  for (const stage of STAGES.filter((s) => chosen.has(s))) {
    lines.push(line(rng, stage, 0.25));
    if (rng.chance(0.7)) lines.push(reply(rng.pick(MINOR_REPLIES)));
  }
  return lines;
}

/**
 * Sextortion as it shows up in text, without describing any image: a threat to share the chat with the minor's
 * school or family, and a demand for money or gift cards.
 */
export function sextortionConversation(rng: Rng): ScriptLine[] {
  const threat = rng.pick([
    'I saved all our messages. I will send them to your school',
    'I have screenshots of everything, your parents will see them',
  ]);
  const demand = rng.pick([
    'pay me 100 in gift cards by tonight',
    'send me money now or else',
  ]);
  return [
    { from: 'adult', text: 'hey, remember me from the game chat?', indicators: [], tactics: [] },
    reply(rng.pick(['yes?', 'who is this', 'hi'])),
    { from: 'adult', text: threat, indicators: ['threat'], tactics: [] },
    reply(rng.pick(['please dont', 'why are you doing this', 'stop'])),
    { from: 'adult', text: demand, indicators: ['payment_demand'], tactics: [] },
  ];
}

/** One stand-alone message with one or two indicators (now and then a sextortion threat and demand). */
export function riskyLine(rng: Rng, minorBand: AgeBand): ScriptLine {
  if (rng.chance(0.08)) {
    const [, , threat, , demand] = sextortionConversation(rng) as [ScriptLine, ScriptLine, ScriptLine, ScriptLine, ScriptLine];
    return { from: 'adult', text: `${threat.text}. ${demand.text}`, indicators: ['threat', 'payment_demand'], tactics: [] };
  }
  const stages = rng.sample(STAGES, rng.int(1, 2));
  const parts = stages.map((s) => line(rng, s, 0.25));
  if (rng.chance(0.3)) parts.unshift({ ...line(rng, 'age_probing', 0), text: `how old are you? ${ageFor(rng, minorBand)}?` });
  return {
    from: 'adult',
    text: parts.map((p) => p.text).join('. '),
    indicators: [...new Set(parts.flatMap((p) => p.indicators))],
    tactics: [...new Set(parts.flatMap((p) => p.tactics))],
  };
}

/** A line of the showcase conversation, `day` days (fractional) after it starts. */
export interface ShowcaseLine extends ScriptLine { day: number }

/**
 * The demo's worked example: one adult-to-minor conversation whose indicators arrive a day apart (age question,
 * flattery, secrecy, a gift offer, then a move to another app), so its conversation risk builds over four days and
 * crosses the threshold on the message that carries the last indicator.
 */
export function showcaseConversation(age: number): ShowcaseLine[] {
  const adult = (day: number, text: string, indicators: Indicator[] = []): ShowcaseLine => ({ from: 'adult', day, text, indicators, tactics: [] });
  const minor = (day: number, text: string): ShowcaseLine => ({ from: 'minor', day, text, indicators: [], tactics: [] });
  return [
    adult(0, 'hey! saw your Sky Islands clip, you are really good'),
    minor(0.01, 'thanks lol'),
    adult(0.02, 'how old are you?', ['age_probing']),
    minor(0.03, `I'm ${age}`),
    adult(1, 'you are so mature for your age', ['flattery']),
    minor(1.02, 'haha ok'),
    adult(2, "let's keep this between us, ok?", ['secrecy']),
    minor(2.05, 'ok i guess'),
    adult(3, "want a gift card? I can send one for Sky Islands", ['gift_offer']),
    minor(3.01, 'really?'),
    adult(4, 'add me on Pixelchat, it is easier', ['platform_move']),
  ];
}
