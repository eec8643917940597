/**
 * Benign synthetic text for the demo world: everyday chat (school, games, sport, weather, music). It must trigger
 * none of the default text rules; the tests check this. Risky lines live in risky.ts.
 */
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

export function fill(rng: Rng, template: string): string {
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
