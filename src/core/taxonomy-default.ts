import type { Taxonomy } from './taxonomy.js';

const HOUR = 3_600_000;

/** Version 1 of the child-safety taxonomy. The Policy team edits it through the API; this seeds a new database. */
export const DEFAULT_TAXONOMY: Taxonomy = {
  slaMsBySeverity: { S0: 1 * HOUR, S1: 4 * HOUR, S2: 24 * HOUR, S3: 72 * HOUR },
  categories: [
    {
      id: 'CSE-00', name: 'Allowed child-safety context',
      definition: 'Education, prevention, survivor speech, news, policy discussion and ordinary family content. Kept as an explicit negative class.',
      severity: 'NONE', defaultActions: [], ncmecIncidentType: null, ncmecAnnotations: [],
    },
    {
      id: 'CSE-01', name: 'Known CSAM',
      definition: 'Media that matches an entry of a vetted industry or internal hash list.',
      severity: 'S0', defaultActions: ['block', 'preserve', 'disable', 'report', 'share'],
      ncmecIncidentType: 'Child Pornography', ncmecAnnotations: [],
      notes: 'Industry class (A1, A2, B1, B2) comes from the list entry.',
    },
    {
      id: 'CSE-02', name: 'Suspected new CSAM',
      definition: 'Media flagged by a classifier that matches no list.',
      severity: 'S0', defaultActions: ['block', 'review'], ncmecIncidentType: 'Child Pornography', ncmecAnnotations: [],
      notes: 'Held until a trained reviewer confirms; confirmation adds the hash to an internal bank.',
    },
    {
      id: 'CSE-03', name: 'Synthetic or manipulated depiction of a minor',
      definition: 'A generated, drawn or edited sexualised depiction of a minor, including altered images of a real child.',
      severity: 'S0', defaultActions: ['block', 'review'], ncmecIncidentType: 'Child Pornography',
      ncmecAnnotations: [], notes: 'File annotations generativeAi or animeDrawing.',
    },
    {
      id: 'CSE-04', name: 'Solicitation or distribution',
      definition: 'Asking for, offering, trading, advertising or linking to abuse material.',
      severity: 'S0', defaultActions: ['remove', 'preserve', 'disable', 'report', 'share'],
      ncmecIncidentType: 'Child Pornography', ncmecAnnotations: ['csamSolicitation'],
    },
    {
      id: 'CSE-05', name: 'Grooming / online enticement',
      definition: 'An adult pursuing a secret or sexualised relationship with a minor, including requests for images or meetings.',
      severity: 'S1', defaultActions: ['review', 'restrict', 'preserve'],
      ncmecIncidentType: 'Online Enticement of Children for Sexual Acts', ncmecAnnotations: [],
      notes: 'S0 when a meeting is planned. Report once a reviewer confirms.',
    },
    {
      id: 'CSE-06', name: 'Sextortion',
      definition: 'Threatening to expose imagery of a minor unless money, images or acts are provided.',
      severity: 'S0', defaultActions: ['urgent', 'disable', 'preserve', 'report', 'support'],
      ncmecIncidentType: 'Online Enticement of Children for Sexual Acts', ncmecAnnotations: ['sextortion'],
    },
    {
      id: 'CSE-07', name: 'Child sex trafficking',
      definition: 'Advertising, arranging or buying commercial sexual activity involving a minor.',
      severity: 'S0', defaultActions: ['urgent', 'disable', 'preserve', 'report'],
      ncmecIncidentType: 'Child Sex Trafficking', ncmecAnnotations: [],
    },
    {
      id: 'CSE-08', name: 'Contact abuse / imminent harm',
      definition: 'Disclosure of ongoing abuse, a planned meeting, or travel to harm a child.',
      severity: 'S0', defaultActions: ['urgent', 'preserve', 'report'],
      ncmecIncidentType: 'Child Sexual Molestation', ncmecAnnotations: [],
    },
    {
      id: 'CSE-09', name: 'Sadistic online exploitation',
      definition: 'Coercing a minor into harmful acts for abuse or notoriety.',
      severity: 'S0', defaultActions: ['urgent', 'disable', 'report', 'support'],
      ncmecIncidentType: 'Online Enticement of Children for Sexual Acts', ncmecAnnotations: ['sadisticOnlineExploitation'],
    },
    {
      id: 'CSE-10', name: 'Sexual material sent to a minor',
      definition: 'Sending sexual content to a user known or likely to be a minor.',
      severity: 'S1', defaultActions: ['remove', 'restrict', 'report'],
      ncmecIncidentType: 'Unsolicited Obscene Material Sent to a Child', ncmecAnnotations: [],
    },
    {
      id: 'CSE-11', name: 'Minor self-generated or peer imagery',
      definition: 'Imagery produced or shared by minors among themselves.',
      severity: 'S1', defaultActions: ['remove', 'preserve', 'report', 'support'],
      ncmecIncidentType: 'Child Pornography', ncmecAnnotations: ['minorToMinorInteraction'],
      notes: 'Never punitive to the depicted minor. File annotation possibleSelfProduction.',
    },
    {
      id: 'CSE-12', name: 'Sexualisation of minors (non-explicit)',
      definition: 'Sexualised comments on, or framing of, non-sexual content about minors.',
      severity: 'S1', defaultActions: ['remove', 'warn'], ncmecIncidentType: null, ncmecAnnotations: [],
      notes: 'Disable on repeat.',
    },
    {
      id: 'CSE-13', name: 'Inappropriate adult-minor interaction',
      definition: 'Boundary-violating contact that is not yet sexual: secrecy, gifts, moving to a private app, romantic framing.',
      severity: 'S2', defaultActions: ['restrict', 'warn', 'review'], ncmecIncidentType: null, ncmecAnnotations: [],
    },
    {
      id: 'CSE-14', name: 'Misleading lures targeting minors',
      definition: 'Deceptive domains, words or images meant to draw minors in.',
      severity: 'S2', defaultActions: ['remove'], ncmecIncidentType: 'Misleading Words or Digital Images on the Internet',
      ncmecAnnotations: [],
    },
    {
      id: 'CSE-90', name: 'Ambiguous: needs a specialist',
      definition: 'Unclear age, context or intent.',
      severity: 'S2', defaultActions: ['review'], ncmecIncidentType: null, ncmecAnnotations: [],
    },
  ],
};
