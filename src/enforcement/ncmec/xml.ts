import type { ReportContent, ReportFile } from './content.js';

/*
 * Element order. NCMEC's schema (XSD) uses strict sequences: children must appear in this order, and a required one
 * must not be missing. This is the subset Haven writes (check it against the live XSD before production use); the
 * test server (test/helpers/ncmec-server.ts) enforces the same table.
 *
 *   element                      children, in order (? optional, * repeated, + at least one)
 *   report                       incidentSummary, internetDetails*, reporter, personOrUserReported?, additionalInfo?
 *   incidentSummary              incidentType, platform?, reportAnnotations?, incidentDateTime
 *   reportAnnotations            sextortion?, csamSolicitation?, minorToMinorInteraction?, sadisticOnlineExploitation?
 *   internetDetails              webPageIncident | chatImIncident (exactly one)
 *   webPageIncident              url*
 *   chatImIncident               chatClient?
 *   reporter                     reportingPerson
 *   reportingPerson              email
 *   personOrUserReported         personOrUserReportedPerson?, espIdentifier?, screenName?, ipCaptureEvent*
 *   personOrUserReportedPerson   email*
 *   ipCaptureEvent               ipAddress, eventName?, dateTime?
 *   fileDetails                  reportId, fileId, originalFileName?, fileViewedByEsp, publiclyAvailable,
 *                                fileAnnotations?, industryClassification?, originalFileHash* (attribute hashType)
 *   fileAnnotations              generativeAi?, possibleSelfProduction?
 */

/** A small XML writer: escapes every text and attribute value, so no report field can change the structure. */
export class XmlWriter {
  private readonly parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  private readonly open: string[] = [];

  start(name: string, attrs: Record<string, string> = {}): this {
    this.parts.push(`<${name}${attributes(attrs)}>`);
    this.open.push(name);
    return this;
  }
  end(): this {
    const name = this.open.pop();
    if (!name) throw new Error('XmlWriter: end() without start()');
    this.parts.push(`</${name}>`);
    return this;
  }
  /** An element holding text; skipped when the value is null. */
  text(name: string, value: string | number | boolean | null, attrs: Record<string, string> = {}): this {
    if (value === null) return this;
    this.parts.push(`<${name}${attributes(attrs)}>${escapeXml(String(value))}</${name}>`);
    return this;
  }
  empty(name: string): this {
    this.parts.push(`<${name}/>`);
    return this;
  }
  toString(): string {
    if (this.open.length) throw new Error(`XmlWriter: unclosed ${this.open.join(' > ')}`);
    return this.parts.join('');
  }
}

export function escapeXml(s: string): string {
  // Characters XML 1.0 cannot carry at all are dropped rather than sent.
  let clean = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000) clean += ch;
  }
  return clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function attributes(attrs: Record<string, string>): string {
  return Object.entries(attrs).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
}

const isoTime = (ms: number) => new Date(ms).toISOString();

const REPORT_ANNOTATIONS = ['sextortion', 'csamSolicitation', 'minorToMinorInteraction', 'sadisticOnlineExploitation'];
const FILE_ANNOTATIONS = ['generativeAi', 'possibleSelfProduction'];

/** The <report> document for POST /submit. Call only when missingFields(content) is empty. */
export function reportXml(c: ReportContent): string {
  if (!c.incidentType || c.incidentAt === null || !c.reporter.email) throw new Error('report content is incomplete');
  const w = new XmlWriter().start('report');
  w.start('incidentSummary').text('incidentType', c.incidentType).text('platform', c.reporter.platform);
  const annotations = REPORT_ANNOTATIONS.filter((a) => c.annotations.includes(a));
  if (annotations.length) {
    w.start('reportAnnotations');
    for (const a of annotations) w.empty(a);
    w.end();
  }
  w.text('incidentDateTime', isoTime(c.incidentAt)).end();
  for (const p of c.places) {
    w.start('internetDetails');
    if (p.kind === 'webPage') w.start('webPageIncident').text('url', p.url).end();
    else w.start('chatImIncident').text('chatClient', c.reporter.platform).end();
    w.end();
  }
  w.start('reporter').start('reportingPerson').text('email', c.reporter.email).end().end();
  const u = c.reportedUser;
  w.start('personOrUserReported');
  if (u.emails.length) {
    w.start('personOrUserReportedPerson');
    for (const e of u.emails) w.text('email', e);
    w.end();
  }
  w.text('espIdentifier', u.espIdentifier).text('screenName', u.screenName);
  for (const ip of u.ips) {
    w.start('ipCaptureEvent').text('ipAddress', ip.address).text('dateTime', ip.at === null ? null : isoTime(ip.at)).end();
  }
  w.end();
  w.text('additionalInfo', c.additionalInfo);
  return w.end().toString();
}

/** The <fileDetails> document for POST /fileinfo, once the file is uploaded. */
export function fileDetailsXml(reportId: string, fileId: string, f: ReportFile): string {
  const w = new XmlWriter().start('fileDetails');
  w.text('reportId', reportId).text('fileId', fileId).text('originalFileName', f.name);
  w.text('fileViewedByEsp', f.viewedByPlatform).text('publiclyAvailable', f.publiclyAvailable);
  const annotations = FILE_ANNOTATIONS.filter((a) => f.annotations.includes(a));
  if (annotations.length) {
    w.start('fileAnnotations');
    for (const a of annotations) w.empty(a);
    w.end();
  }
  w.text('industryClassification', f.classification);
  w.text('originalFileHash', f.md5, { hashType: 'MD5' }).text('originalFileHash', f.sha256, { hashType: 'SHA256' });
  return w.end().toString();
}

export interface NcmecResponse {
  responseCode: number | null;
  description: string | null;
  reportId: string | null;
  fileId: string | null;
  hash: string | null;
}

/** Reads the few fields Haven needs from a <reportResponse>; the whole body is stored verbatim anyway. */
export function parseResponse(body: string): NcmecResponse {
  const field = (name: string) => {
    const m = body.match(new RegExp(`<${name}>([^<]*)</${name}>`));
    return m?.[1] === undefined ? null : unescapeXml(m[1].trim());
  };
  const code = field('responseCode');
  return {
    responseCode: code !== null && /^-?\d+$/.test(code) ? Number(code) : null,
    description: field('responseDescription'),
    reportId: field('reportId'),
    fileId: field('fileId'),
    hash: field('hash'),
  };
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
