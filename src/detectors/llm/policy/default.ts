import { findCategory } from '../../../core/taxonomy.js';
import { DEFAULT_TAXONOMY } from '../../../core/taxonomy-default.js';
import { type LlmPolicy, type LlmPolicyInput, parseLlmPolicy, VERDICT_SEVERITIES, type VerdictSeverity } from './schema.js';

/**
 * Examples and edge cases per category. Names and definitions come from the default taxonomy so the two cannot
 * drift. Wording stays neutral: indicators (secrecy, gifts, a request to meet or move app), never descriptions.
 * CSE-00 (allowed context) is the "not violating" answer itself; CSE-01 (known material) is a hash-list match
 * no model can make.
 */
const GUIDANCE: Record<string, Pick<LlmPolicyInput['categories'][number], 'violating' | 'notViolating' | 'edgeCases'>> = {
  'CSE-02': {
    violating: ['Imagery the item presents as showing a minor in a sexualised way'],
    notViolating: ['A family photo of a child blowing out birthday candles', 'A school class photo posted by a teacher'],
    edgeCases: ['When the age of the person shown cannot be judged, answer CSE-90 rather than guessing.'],
  },
  'CSE-03': {
    violating: ['A generated or drawn image that sexualises a character presented as a child', 'A request to edit a real child\'s photo into a sexualised one'],
    notViolating: ['A cartoon of children at a school fair', 'A photo filter that adds a party hat to a child\'s picture'],
    edgeCases: ['A drawn character of unclear age: CSE-90 unless the item presents the character as a child.'],
  },
  'CSE-04': {
    violating: ['A message asking where to find abuse material involving minors', 'A post offering to trade links to abuse material'],
    notViolating: ['A news article about a police operation against people sharing abuse material', 'A user asking how to report material they came across'],
    edgeCases: ['Coded or indirect offers count when the context makes the meaning clear.'],
  },
  'CSE-05': {
    violating: [
      'An adult asks a minor to keep their chats secret',
      'An adult offers a minor gifts or money and asks to meet alone',
      'An adult asks a minor to move to another app and to send photos of themselves',
    ],
    notViolating: [
      'A parent reminds their child about homework',
      'A coach messages the team group about the time of practice',
      'A teacher tells a class about an online safety lesson',
    ],
    edgeCases: [
      'One friendly message from an adult to a minor is not grooming on its own; look for secrecy, isolation, gifts, and requests for images or meetings across the conversation.',
      'A planned meeting makes it more severe (S0).',
    ],
  },
  'CSE-06': {
    violating: [
      'Someone tells a minor they will share the minor\'s photos with the minor\'s friends unless they are paid',
      'Someone demands more photos from a minor under threat of exposing earlier ones',
    ],
    notViolating: ['A school talk warning pupils about sextortion scams and where to get help', 'A news report about the arrest of a sextortion gang'],
    edgeCases: ['A threat in this message and a demand earlier in the conversation (or the reverse) together are sextortion.'],
  },
  'CSE-07': {
    violating: ['An advert offering paid meetings with a person described as under 18', 'A message arranging payment to meet a minor for sexual activity'],
    notViolating: ['A charity post about how to spot the signs of trafficking', 'A job advert for a babysitter stating the pay and hours'],
    edgeCases: ['An advert that hints at a young age alongside paid meetings: CSE-90 when the age stays unclear.'],
  },
  'CSE-08': {
    violating: [
      'An adult tells a minor they will travel to the minor\'s town this weekend to meet in secret',
      'A minor says an adult at home is hurting them and asks for help',
    ],
    notViolating: ['Parents arrange a playdate for their children at the park', 'A survivor describes their recovery years later in an awareness campaign'],
    edgeCases: ['A disclosure belongs here even when written vaguely, so a specialist can offer support quickly.'],
  },
  'CSE-09': {
    violating: [
      'Someone pressures a minor to harm themselves on camera for an audience',
      'A group threatens a minor to make them keep carrying out dares that hurt them',
    ],
    notViolating: ['A safety guide explaining how online groups coerce teenagers and how to get help'],
    edgeCases: [],
  },
  'CSE-10': {
    violating: ['An adult sends explicit images to an account in the 13_15 age band'],
    notViolating: ['A health teacher shares an age-appropriate puberty leaflet with a class'],
    edgeCases: ['Judge by the recipient\'s known or likely age; an unknown age with clear signs of a minor counts.'],
  },
  'CSE-11': {
    violating: ['A minor shares intimate images of themselves with a classmate'],
    notViolating: ['Teenagers share holiday photos in a group chat'],
    edgeCases: ['Never treat the depicted minor as the wrongdoer: the category exists to protect them.'],
  },
  'CSE-12': {
    violating: ['A comment on a child\'s dance video remarking on the child\'s body in a sexual way'],
    notViolating: ['A comment praising a child\'s dance technique', 'A parent posting a swimming gala result'],
    edgeCases: [],
  },
  'CSE-13': {
    violating: [
      'An adult tells a minor they are mature for their age and asks to keep the chat between the two of them',
      'An adult offers a minor gift cards and asks them to continue on a private app',
    ],
    notViolating: ['A relative sends a birthday gift card to a niece', 'A tutor asks a student to email their homework'],
    edgeCases: ['Once the contact turns sexual, or asks for images or a meeting, answer CSE-05 instead.'],
  },
  'CSE-14': {
    violating: [
      'A link promising free game currency to children that leads to a page asking for photos',
      'An account presenting itself as a teenager while its author is an adult',
    ],
    notViolating: ['An advert for a children\'s game with accurate terms'],
    edgeCases: [],
  },
  'CSE-90': {
    violating: ['An adult asks someone of unknown age how old they are and whether their parents check their phone'],
    notViolating: ['An ordinary message with no child-safety concern: answer not violating instead'],
    edgeCases: ['Use this when a category would apply if a person were a minor but their age cannot be judged.'],
  },
};

function severityOf(id: string): VerdictSeverity {
  const s = findCategory(DEFAULT_TAXONOMY, id)?.severity;
  return (VERDICT_SEVERITIES as readonly string[]).includes(s ?? '') ? (s as VerdictSeverity) : 'S2';
}

/** Version 1 of the LLM policy: what a new database starts with. */
export const DEFAULT_LLM_POLICY: LlmPolicy = parseLlmPolicy({
  preamble: [
    'You review content from an online platform for child-safety violations.',
    'You are given one item (a message, post or image) and, when available, the few messages before it in the same conversation, with the age bands the platform knows for the people involved.',
    'Decide whether the item violates one of the categories below. Judge the item itself; use the earlier messages only as context.',
    'Age bands are what the platform knows: "unknown" means not known, not adult.',
    'Content that educates, prevents harm, reports, supports survivors or informs about child safety is allowed, as is ordinary family content.',
  ].join('\n'),
  categories: Object.entries(GUIDANCE).map(([id, guidance]) => {
    const category = findCategory(DEFAULT_TAXONOMY, id);
    if (!category) throw new Error(`the default LLM policy names ${id}, which the default taxonomy lacks`);
    return { id, name: category.name, severity: severityOf(id), definition: category.definition, ...guidance };
  }),
  outputInstructions: [
    'Set violates to true only when the item violates a category; then name the single best-fitting category and a severity (S0 is the most severe, S3 the least).',
    'When violates is false, category and severity are null.',
    'confidence is your probability, from 0 to 1, that your verdict is right.',
    'rationale explains the verdict in one or two plain sentences without repeating harmful wording.',
    'evidence lists short quotes from the item that support the verdict; leave it empty when there are none.',
  ].join('\n'),
  llamaGuardConfidence: 0.8,
});
