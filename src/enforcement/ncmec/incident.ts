import { NCMEC_INCIDENT_TYPES as TAXONOMY_INCIDENT_TYPES } from '../../core/taxonomy.js';
import { DEFAULT_TAXONOMY } from '../../core/taxonomy-default.js';

/** The one incident type whose schema spelling is longer than the taxonomy's short name. */
const CSAM_FULL = 'Child Pornography (possession, manufacture, and distribution)';
type TaxonomyIncidentType = (typeof TAXONOMY_INCIDENT_TYPES)[number];

/** NCMEC's incident types as its schema spells them: the taxonomy's list (core/taxonomy.ts), one name expanded. */
export type NcmecIncidentType = Exclude<TaxonomyIncidentType, 'Child Pornography'> | typeof CSAM_FULL;
export const NCMEC_INCIDENT_TYPES: readonly NcmecIncidentType[] = TAXONOMY_INCIDENT_TYPES.map((t) =>
  t === 'Child Pornography' ? CSAM_FULL : t,
);

/** A report has one incident type; when a user's items map to several, the most urgent one names the report. */
const URGENCY: readonly NcmecIncidentType[] = [
  'Child Sex Trafficking',
  'Child Sexual Molestation',
  'Online Enticement of Children for Sexual Acts',
  'Child Pornography (possession, manufacture, and distribution)',
  'Unsolicited Obscene Material Sent to a Child',
  'Child Sex Tourism',
  'Misleading Words or Digital Images on the Internet',
  'Misleading Domain Name',
];

/** The taxonomy's short names (e.g. "Child Pornography") to the schema's full ones. */
function fullName(short: string): NcmecIncidentType | null {
  return NCMEC_INCIDENT_TYPES.find((t) => t === short || t.startsWith(`${short} (`)) ?? null;
}

export const INDUSTRY_CLASSIFICATIONS = ['A1', 'A2', 'B1', 'B2'] as const;
export type IndustryClassification = (typeof INDUSTRY_CLASSIFICATIONS)[number];

export function isIndustryClassification(v: unknown): v is IndustryClassification {
  return typeof v === 'string' && (INDUSTRY_CLASSIFICATIONS as readonly string[]).includes(v);
}

/** File annotations implied by a category (the taxonomy's notes name them). */
const FILE_ANNOTATIONS: Record<string, string[]> = {
  'CSE-03': ['generativeAi'],
  'CSE-11': ['possibleSelfProduction'],
};

/** Incident type and report annotations of a taxonomy category (the default taxonomy's ncmec fields). */
export function incidentOf(category: string | null): { type: NcmecIncidentType | null; annotations: string[]; fileAnnotations: string[] } {
  const c = DEFAULT_TAXONOMY.categories.find((x) => x.id === category);
  return {
    type: c?.ncmecIncidentType ? fullName(c.ncmecIncidentType) : null,
    annotations: c ? [...c.ncmecAnnotations] : [],
    fileAnnotations: FILE_ANNOTATIONS[category ?? ''] ?? [],
  };
}

/** The incident type of a report gathering items of several categories. */
export function incidentTypeFor(categories: readonly (string | null)[]): NcmecIncidentType | null {
  const types = new Set(categories.map((c) => incidentOf(c).type).filter((t): t is NcmecIncidentType => t !== null));
  return URGENCY.find((t) => types.has(t)) ?? null;
}

/** Surfaces whose content anyone on the platform could see; anything else (messages, unknown) counts as private. */
const PUBLIC_SURFACES = new Set(['public_post', 'comment', 'profile', 'public_comment', 'story', 'live_stream']);

export function isPublicSurface(surface: string): boolean {
  return PUBLIC_SURFACES.has(surface) || surface.startsWith('public_');
}
