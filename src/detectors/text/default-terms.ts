import type { TermList } from './terms.js';

/**
 * Version 1 of the term lists: neutral indicators of boundary-violating contact with a minor. Each alone is weak;
 * the detector combines the weights of the distinct terms it finds. Policy staff replace this through the API.
 */
export const DEFAULT_TERM_LISTS: TermList[] = [
  {
    category: 'CSE-13',
    terms: [
      { term: 'our little secret', weight: 0.5 },
      { term: "don't tell your parents", weight: 0.6 },
      { term: 'dont tell your parents', weight: 0.6 },
      { term: 'keep this between us', weight: 0.45 },
      { term: 'delete this chat', weight: 0.4 },
      { term: 'add me on', weight: 0.25 },
      { term: 'talk on another app', weight: 0.35 },
      { term: 'gift card', weight: 0.3 },
      { term: "i'll buy you", weight: 0.3 },
      { term: 'how old are you', weight: 0.2 },
    ],
  },
  {
    category: 'CSE-05',
    terms: [
      { term: 'send me a photo', weight: 0.45 },
      { term: 'send a pic', weight: 0.45 },
      { term: 'send me a pic', weight: 0.45 },
      { term: 'meet up alone', weight: 0.55 },
      { term: 'nobody has to know', weight: 0.5 },
    ],
  },
];
