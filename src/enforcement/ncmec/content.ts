import { incidentOf, incidentTypeFor, isPublicSurface, type NcmecIncidentType } from './incident.js';

// What a CyberTipline report says, built from the job's decisions and evidence. Pure: the store is read elsewhere.

export interface JobItemFacts {
  itemId: string;
  surface: string;
  createdAt: number;
  category: string | null;
  metadata: Record<string, unknown>;
}

export interface JobFileFacts {
  id: string;
  mediaId: string;
  itemId: string;
  name: string;
  mime: string;
  md5: string;
  sha256: string;
  /** Whether Haven holds the bytes (false in hash-only mode or after retention). */
  retained: boolean;
  classification: string | null;
  annotations: string[];
  publiclyAvailable: boolean;
}

export interface ReportFile extends JobFileFacts {
  /** A person opened this file in Haven (from the media_viewed records, never a default). */
  viewedByPlatform: boolean;
}

export interface ReportContent {
  incidentType: NcmecIncidentType | null;
  annotations: string[];
  incidentAt: number | null;
  reporter: { platform: string | null; email: string | null };
  reportedUser: { espIdentifier: string | null; screenName: string | null; emails: string[]; ips: { address: string; at: number | null }[] };
  /** Where it happened: web pages (public surfaces) and chats (private ones). */
  places: { kind: 'webPage' | 'chat'; url: string | null }[];
  /** Files that will be uploaded (Haven holds their bytes). */
  files: ReportFile[];
  /** Files Haven knows by hash only: listed in the report's additional information, never uploaded. */
  unretainedFiles: ReportFile[];
  /** Text sent as additionalInfo: the unretained files' hashes. Item text is never included (minimisation). */
  additionalInfo: string | null;
}

export interface ReportInput {
  account: { externalId: string } | null;
  items: JobItemFacts[];
  files: JobFileFacts[];
  viewedMediaIds: ReadonlySet<string>;
  reporter: { platform: string | null; email: string | null };
}

export function buildReportContent(input: ReportInput): ReportContent {
  const categories = input.items.map((i) => i.category);
  const annotations = [...new Set(categories.flatMap((c) => incidentOf(c).annotations))].sort();
  const incidentAt = input.items.length ? Math.min(...input.items.map((i) => i.createdAt)) : null;
  const files = input.files.map((f) => ({ ...f, viewedByPlatform: input.viewedMediaIds.has(f.mediaId) }));
  const unretained = files.filter((f) => !f.retained);
  const places = new Map<string, { kind: 'webPage' | 'chat'; url: string | null }>();
  for (const i of input.items) {
    const kind = isPublicSurface(i.surface) ? 'webPage' : 'chat';
    const url = typeof i.metadata.url === 'string' ? i.metadata.url : null;
    places.set(`${kind}:${url ?? ''}`, { kind, url });
  }
  return {
    incidentType: incidentTypeFor(categories),
    annotations,
    incidentAt,
    reporter: input.reporter,
    reportedUser: {
      espIdentifier: input.account?.externalId ?? null,
      screenName: firstString(input.items, 'screenName'),
      emails: [...new Set(input.items.flatMap((i) => strings(i.metadata.email ?? i.metadata.emails)))],
      ips: uniqueIps(input.items),
    },
    places: [...places.values()],
    files: files.filter((f) => f.retained),
    unretainedFiles: unretained,
    additionalInfo: unretained.length
      ? unretained
          .map((f) => `File ${f.name} (${f.mime}) md5 ${f.md5} sha256 ${f.sha256}${f.classification ? ` industry classification ${f.classification}` : ''}: not retained by the platform (hashes only), not uploaded.`)
          .join('\n')
      : null,
  };
}

/** Required fields that are missing, by their place in the report. Empty when the report may be approved. */
export function missingFields(c: ReportContent): string[] {
  const missing: string[] = [];
  if (!c.incidentType) missing.push('incidentSummary.incidentType');
  if (c.incidentAt === null) missing.push('incidentSummary.incidentDateTime');
  if (!c.reporter.email) missing.push('reporter.reportingPerson.email (set HAVEN_NCMEC_REPORTER_EMAIL)');
  if (!c.reportedUser.espIdentifier) missing.push('personOrUserReported.espIdentifier (the reported user id)');
  if (c.files.length === 0 && !c.additionalInfo) missing.push('files (at least one file or a content description)');
  return missing;
}

/** Share of the retained files a person has opened; 1 when nothing can be opened (hash-only). */
export function reviewedShare(c: ReportContent): { viewed: number; total: number; share: number } {
  const total = c.files.length;
  const viewed = c.files.filter((f) => f.viewedByPlatform).length;
  return { viewed, total, share: total === 0 ? 1 : viewed / total };
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

function firstString(items: JobItemFacts[], key: string): string | null {
  for (const i of items) if (typeof i.metadata[key] === 'string') return i.metadata[key] as string;
  return null;
}

/** IPs from item metadata (`ip`, or `ips` as strings or {address, at}); each captured at its item's time by default. */
function uniqueIps(items: JobItemFacts[]): { address: string; at: number | null }[] {
  const out = new Map<string, { address: string; at: number | null }>();
  for (const i of items) {
    const raw = [i.metadata.ip, ...(Array.isArray(i.metadata.ips) ? i.metadata.ips : [])];
    for (const r of raw) {
      if (typeof r === 'string') out.set(`${r}@${i.createdAt}`, { address: r, at: i.createdAt });
      else if (r && typeof r === 'object' && typeof (r as { address?: unknown }).address === 'string') {
        const at = typeof (r as { at?: unknown }).at === 'number' ? ((r as { at: number }).at) : i.createdAt;
        const address = (r as { address: string }).address;
        out.set(`${address}@${at}`, { address, at });
      }
    }
  }
  return [...out.values()];
}
