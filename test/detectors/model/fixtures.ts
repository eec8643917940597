import type { LabelledExample } from '../../../src/detectors/model/data.js';
import { seededRandom } from '../../../src/detectors/model/hash.js';

// Neutral indicators only: a request for secrecy or to move apps, an offer of gifts, an age question, a request to meet.
const PHRASES: Record<string, string[]> = {
  'CSE-05': [
    'keep this between us', 'do not tell your parents about our chats', 'lets move to another app', 'add me on the other app where it is private',
    'delete these messages after reading', 'this is our little secret', 'nobody else needs to know we talk',
  ],
  'CSE-14': [
    'i can send you a gift card', 'want some free game credits', 'i will pay you for it', 'i can buy you a new phone',
    'there is money in it for you', 'i have a present for you', 'free skins if you say yes',
  ],
  'CSE-13': [
    'how old are you exactly', 'are you in middle school', 'lets meet up this weekend just us', 'i can pick you up after school',
    'what grade are you in', 'come meet me at the park alone', 'which school do you go to',
  ],
};

const BENIGN = [
  'did you finish the homework for tomorrow', 'the match last night was great', 'what are you having for dinner',
  'the weather is nice for a walk', 'see you at practice', 'i loved that movie', 'my cat knocked over the plant again',
  'the bus was late this morning', 'who won the quiz', 'new album drops on friday', 'can you send the notes from class',
  'happy birthday to your sister', 'the library closes early today', 'we should try the new pizza place',
];
const FILLER = ['hey', 'lol', 'ok', 'so', 'btw', 'haha', 'anyway', 'yeah', 'hmm', 'cool'];

/** A deterministic, separable labelled set: `perCategory` positives per category plus `benign` benign texts. */
export function syntheticExamples(opts: { perCategory?: number; benign?: number; seed?: number } = {}): LabelledExample[] {
  const random = seededRandom(opts.seed ?? 7);
  const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const line = (core: string) => [pick(FILLER), pick(BENIGN), core, pick(FILLER)].join(' ');
  const out: LabelledExample[] = [];
  for (const [category, phrases] of Object.entries(PHRASES)) {
    for (let i = 0; i < (opts.perCategory ?? 60); i++) out.push({ id: `${category}-${i}`, text: line(pick(phrases)), labels: [category] });
  }
  for (let i = 0; i < (opts.benign ?? 300); i++) out.push({ id: `benign-${i}`, text: line(pick(BENIGN)), labels: [] });
  return out;
}

export const CATEGORIES = ['CSE-05', 'CSE-13', 'CSE-14'];
