/**
 * Synthetic text for the demo world. Benign lines are everyday chat (school, games, sport, weather, music) and must
 * contain none of the default detector terms; the tests check this. Risky lines carry ONLY neutral indicators: an
 * age mention, a request for secrecy, a move to another app, an offer of a gift, a bare request for a photo.
 */
import type { AgeBand } from '../core/types.js';
import type { Rng } from './random.js';

const GAMES = ['Star Racer', 'Block Builders', 'Dungeon Dash', 'Sky Islands', 'chess', 'Tetra Blocks', 'Kart Rally'];
const SPORTS = ['football', 'basketball', 'swimming', 'tennis', 'netball', 'volleyball', 'hockey', 'running'];
const TEAMS = ['the Harbour Hawks', 'the Riverside Rovers', 'the Valley Comets', 'the North Lions'];
const SUBJECTS = ['maths', 'history', 'biology', 'French', 'chemistry', 'geography', 'art', 'physics'];
const BANDS = ['The Paper Lanterns', 'Neon Harbor', 'Velvet Static', 'Moonlit Arcade', 'Sunday Kites'];
const FOODS = ['pizza', 'tacos', 'pancakes', 'ramen', 'curry', 'lasagne', 'dumplings', 'banana bread'];
const PLACES = ['the park', 'the beach', 'the library', 'the lake', 'the museum', 'the skate park', 'the zoo'];
const PETS = ['dog', 'cat', 'hamster', 'rabbit', 'goldfish', 'parrot'];
const WEATHER = ['rain', 'wind', 'snow', 'sunshine', 'fog'];
const NAMES = ['Sam', 'Alex', 'Jordan', 'Priya', 'Leo', 'Mia', 'Noah', 'Zoe', 'Omar', 'Lena'];
/** Fictional app names, so the demo never points at a real service. */
export const DEMO_APPS = ['Pixelchat', 'ChatterBox', 'Snapgram', 'Whisperly', 'Kikit'];

function fill(rng: Rng, template: string): string {
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    switch (key) {
      case 'game': return rng.pick(GAMES);
      case 'sport': return rng.pick(SPORTS);
      case 'team': return rng.pick(TEAMS);
      case 'subject': return rng.pick(SUBJECTS);
      case 'band': return rng.pick(BANDS);
      case 'food': return rng.pick(FOODS);
      case 'place': return rng.pick(PLACES);
      case 'pet': return rng.pick(PETS);
      case 'weather': return rng.pick(WEATHER);
      case 'name': return rng.pick(NAMES);
      case 'n': return String(rng.int(2, 60));
      case 'score': return `${rng.int(1, 5)}-${rng.int(0, 3)}`;
      default: return key;
    }
  });
}

const POSTS = [
  'Finally beat level {n} in {game}! took me all week',
  'Anyone else watching the {sport} final tonight?',
  '{subject} exam tomorrow, wish me luck',
  "Can't stop listening to {band} this week",
  'Made {food} for dinner and it actually turned out great',
  'Beautiful day at {place} today',
  'So much {weather} today, staying in with a book',
  'My {pet} learned a new trick today',
  'Training was tough but we won {score}',
  'Looking for recommendations: what should I read next?',
  'Weekend plans: {place} and then {food}',
  'Throwback to last summer at {place}',
  'Our team needs one more player for {sport} on Saturdays, message me if interested',
  'New personal best at {sport} practice!',
  'Just finished my {subject} project on volcanoes',
  'Who is going to see {band} next month?',
  'The secret level in {game} is amazing, look behind the waterfall',
  'Send me your best {food} recipe!',
  'Share a picture of your {pet} in the comments',
  'Go {team}! what a season',
  'Day {n} of learning to play guitar',
];

const CAPTIONS = [
  'Made this pattern in art class',
  'New wallpaper I designed',
  'Generative art experiment #{n}',
  'Playing with colours today',
  'My latest abstract piece',
  'Tried a new brush in the drawing app',
  'Stripes or circles, which one do you like?',
];

const COMMENTS = [
  'Congrats!!', 'So cool', "Good luck! you've got this", 'haha same', 'Where is this?', 'Love this',
  '{team} all the way', 'I need that recipe', 'Amazing colours', 'Wish I was there', 'what level are you on now?',
  'Totally agree', "That's awesome", 'Cute {pet}!', 'see you at practice', 'this is so relaxing to look at',
  'my {pet} does the same thing', 'try {food}, always works', 'saw them live once, amazing',
];

const GREETINGS = ['hey', 'hi!', 'yo', "hey, how's it going?", 'hiya', 'morning!'];
const CLOSERS = ['ok see you', 'bye!', 'talk later', 'cool, thanks', 'night!', '👍'];

const DM_TOPICS: readonly (readonly string[])[] = [
  [ // school
    'did you finish the {subject} homework?', 'not yet, question 4 is hard', 'want to study together at the library?',
    'the test is on thursday right?', 'yeah, chapters 3 and 4', "thanks! you're a lifesaver",
  ],
  [ // games
    'you on {game} tonight?', 'yeah after dinner', 'I found the secret level btw', 'no way, show me tomorrow',
    'we need one more for the squad', 'I can ask {name}',
  ],
  [ // sport
    'practice moved to 5pm', 'ok thanks for telling me', 'did you see the match last night?', 'what a goal at the end',
    'coach wants us there early saturday', 'I can bring the water bottles',
  ],
  [ // weather
    "it's pouring here", 'same, the bus was late', 'hope it is sunny for the weekend', 'forecast says {weather} lol',
    'bring a jacket tomorrow',
  ],
  [ // music
    'have you heard the new {band} song?', "yes it's so good", "they're playing in town next month",
    'we should get tickets with everyone', 'I made a playlist for the trip',
  ],
  [ // plans
    'are we still going to {place} on saturday?', 'yes! 10am at the station', 'my mum can drive us',
    'great, I will bring snacks', 'see you there',
  ],
  [ // food
    'what are you having for dinner?', '{food} again haha', 'the new {food} place opened near school',
    "let's try it friday",
  ],
];

export function benignPost(rng: Rng): string {
  return fill(rng, rng.pick(POSTS));
}

export function imageCaption(rng: Rng): string {
  return fill(rng, rng.pick(CAPTIONS));
}

export function benignComment(rng: Rng): string {
  return fill(rng, rng.pick(COMMENTS));
}

/** A single stand-alone chat line, for the streaming benchmark. */
export function benignChatLine(rng: Rng): string {
  return fill(rng, rng.pick(rng.pick(DM_TOPICS)));
}

/** The lines of one ordinary conversation, in order: greeting, a few on-topic lines, maybe a closer. */
export function benignConversation(rng: Rng, length: number): string[] {
  const topic = rng.pick(DM_TOPICS);
  const lines: string[] = [];
  if (rng.chance(0.6)) lines.push(rng.pick(GREETINGS));
  let i = rng.int(0, topic.length - 1);
  while (lines.length < length - 1) lines.push(fill(rng, topic[i++ % topic.length] as string));
  lines.push(rng.chance(0.5) ? rng.pick(CLOSERS) : fill(rng, topic[i % topic.length] as string));
  return lines.slice(0, Math.max(1, length));
}

// ---- risky indicators -------------------------------------------------------------------------------------------

/** A template whose `{T}` is one detector phrase; the phrase may be re-cased or given an accent. */
interface IndicatorTemplate { stage: Stage; text: string; phrase: string }
type Stage = 'secrecy' | 'app' | 'gift' | 'photo';

const INDICATORS: readonly IndicatorTemplate[] = [
  { stage: 'secrecy', text: 'this is {T}, ok?', phrase: 'our little secret' },
  { stage: 'secrecy', text: "{T} that we talk", phrase: "don't tell your parents" },
  { stage: 'secrecy', text: '{T} about this chat', phrase: 'dont tell your parents' },
  { stage: 'secrecy', text: "let's {T}", phrase: 'keep this between us' },
  { stage: 'app', text: '{T} {app}, it is easier', phrase: 'add me on' },
  { stage: 'app', text: "let's {T}", phrase: 'talk on another app' },
  { stage: 'gift', text: '{T} for {game}', phrase: "i'll buy you a gift card" },
  { stage: 'gift', text: 'want a {T}? I can send one', phrase: 'gift card' },
  { stage: 'photo', text: '{T}', phrase: 'send me a photo' },
  { stage: 'photo', text: '{T} first', phrase: 'send me a pic' },
];

const ACCENTS: Record<string, string> = { a: 'á', e: 'é', i: 'ï', o: 'ö', u: 'ü' };

/** Case variation always keeps the phrase matchable by a case-folding detector. */
function varyCase(rng: Rng, phrase: string): string {
  const r = rng.next();
  if (r < 0.5) return phrase.replace(/^i'll/, "I'll");
  if (r < 0.65) return phrase.toUpperCase();
  if (r < 0.85) return phrase.replace(/(^|\s)\w/g, (c) => c.toUpperCase());
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

/** Accent variation: one vowel gets a diacritic, for detectors that fold accents. */
function accentOne(rng: Rng, phrase: string): string {
  const positions = [...phrase].map((c, i) => (ACCENTS[c.toLowerCase()] ? i : -1)).filter((i) => i >= 0);
  if (positions.length === 0) return phrase;
  const at = rng.pick(positions);
  const ch = phrase.charAt(at);
  const accented = ACCENTS[ch.toLowerCase()] as string;
  return phrase.slice(0, at) + (ch === ch.toUpperCase() ? accented.toUpperCase() : accented) + phrase.slice(at + 1);
}

function render(rng: Rng, t: IndicatorTemplate, accent: boolean): string {
  let phrase = varyCase(rng, t.phrase);
  if (accent) phrase = accentOne(rng, phrase);
  return fill(rng, t.text.replace('{T}', phrase).replace('{app}', rng.pick(DEMO_APPS)));
}

function ageFor(rng: Rng, band: AgeBand): number {
  return band === 'under_13' ? rng.int(11, 12) : band === '13_15' ? rng.int(13, 15) : band === '16_17' ? rng.int(16, 17) : 14;
}

export function ageMention(rng: Rng, band: AgeBand): string {
  const age = ageFor(rng, band);
  return rng.pick([`I'm ${age}`, `im ${age}`, `${age}, why?`, `I'm ${age} lol`]);
}

export interface ScriptLine { from: 'adult' | 'minor'; text: string }

const MINOR_REPLIES = ['ok', 'why?', 'idk', 'ok i guess', 'really?', 'maybe', 'lol ok', 'hm'];

/**
 * An adult-to-minor conversation unfolding over several messages: friendly opener, an age question and answer,
 * then three or four of the indicator stages in order, the minor answering in between. At most one phrase carries
 * an accent, so at least two plain phrases always remain for a case-folding detector.
 */
export function riskyConversation(rng: Rng, minorBand: AgeBand): ScriptLine[] {
  const lines: ScriptLine[] = [
    { from: 'adult', text: fill(rng, rng.pick(['hey! saw your {game} clip, you are really good', 'hi, nice {sport} post', 'hey, love {band} too'])) },
    { from: 'minor', text: rng.pick(['thanks lol', 'thx', 'haha thanks']) },
    { from: 'adult', text: `${varyCase(rng, 'how old are you')}${rng.pick(['?', ' btw?', ' anyway?'])}` },
    { from: 'minor', text: ageMention(rng, minorBand) },
  ];
  const stages: Stage[] = rng.sample(['secrecy', 'app', 'gift', 'photo'] as Stage[], rng.int(3, 4));
  const order: Stage[] = ['secrecy', 'app', 'gift', 'photo'].filter((s) => stages.includes(s as Stage)) as Stage[];
  const accentAt = rng.chance(0.4) ? rng.int(0, order.length - 1) : -1;
  order.forEach((stage, i) => {
    const t = rng.pick(INDICATORS.filter((x) => x.stage === stage));
    lines.push({ from: 'adult', text: render(rng, t, i === accentAt) });
    if (rng.chance(0.7)) lines.push({ from: 'minor', text: rng.pick(MINOR_REPLIES) });
  });
  return lines;
}

/** One stand-alone message with one or two indicators, for the streaming benchmark. */
export function riskyLine(rng: Rng, minorBand: AgeBand): string {
  const picks = rng.sample(INDICATORS, rng.int(1, 2)).map((t) => render(rng, t, false));
  if (rng.chance(0.3)) picks.unshift(`${varyCase(rng, 'how old are you')}? ${ageFor(rng, minorBand)}?`);
  return picks.join('. ');
}
