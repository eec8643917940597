import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local stand-in for NCMEC's reporting web service: the lifecycle, HTTP Basic, strict element order of the XML
// it receives (its own copy of the table in src/enforcement/ncmec/xml.ts), and failures injected on request.

type Seq = [name: string, min: number, max: number][];
const MANY = Number.POSITIVE_INFINITY;
const SEQUENCES: Record<string, Seq> = {
  report: [['incidentSummary', 1, 1], ['internetDetails', 0, MANY], ['reporter', 1, 1], ['personOrUserReported', 0, 1], ['additionalInfo', 0, 1]],
  incidentSummary: [['incidentType', 1, 1], ['platform', 0, 1], ['reportAnnotations', 0, 1], ['incidentDateTime', 1, 1]],
  reportAnnotations: [['sextortion', 0, 1], ['csamSolicitation', 0, 1], ['minorToMinorInteraction', 0, 1], ['sadisticOnlineExploitation', 0, 1]],
  internetDetails: [['webPageIncident', 0, 1], ['chatImIncident', 0, 1]],
  webPageIncident: [['url', 0, MANY]],
  chatImIncident: [['chatClient', 0, 1]],
  reporter: [['reportingPerson', 1, 1]],
  reportingPerson: [['email', 1, 1]],
  personOrUserReported: [['personOrUserReportedPerson', 0, 1], ['espIdentifier', 0, 1], ['screenName', 0, 1], ['ipCaptureEvent', 0, MANY]],
  personOrUserReportedPerson: [['email', 0, MANY]],
  ipCaptureEvent: [['ipAddress', 1, 1], ['eventName', 0, 1], ['dateTime', 0, 1]],
  fileDetails: [
    ['reportId', 1, 1], ['fileId', 1, 1], ['originalFileName', 0, 1], ['fileViewedByEsp', 1, 1], ['publiclyAvailable', 1, 1],
    ['fileAnnotations', 0, 1], ['industryClassification', 0, 1], ['originalFileHash', 0, MANY],
  ],
  fileAnnotations: [['generativeAi', 0, 1], ['possibleSelfProduction', 0, 1]],
};
const INCIDENT_TYPES = new Set([
  'Child Pornography (possession, manufacture, and distribution)', 'Child Sex Trafficking', 'Child Sex Tourism', 'Child Sexual Molestation',
  'Misleading Domain Name', 'Misleading Words or Digital Images on the Internet', 'Online Enticement of Children for Sexual Acts',
  'Unsolicited Obscene Material Sent to a Child',
]);

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const unescapeEntities = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Enough XML for the documents Haven sends: elements, attributes, text; no DTDs, comments or CDATA. */
export function parseXml(src: string): XmlNode {
  const body = src.replace(/^\s*<\?xml[^?]*\?>/, '');
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < body.length) {
    tag.lastIndex = at;
    m = tag.exec(body);
    if (!m) throw new Error(`malformed XML at offset ${at}`);
    at = tag.lastIndex;
    const top = stack.at(-1) as XmlNode;
    if (m[5] !== undefined) {
      top.text += unescapeEntities(m[5]);
      continue;
    }
    const [, close, name, rawAttrs, selfClose] = m as unknown as [string, string, string, string, string];
    if (close) {
      if (top.name !== name) throw new Error(`malformed XML: </${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs.matchAll(/([\w:.-]+)="([^"]*)"/g)) attrs[a[1] as string] = unescapeEntities(a[2] as string);
    const node: XmlNode = { name, attrs, children: [], text: '' };
    top.children.push(node);
    if (!selfClose) stack.push(node);
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new Error('malformed XML: unclosed elements or several roots');
  return root.children[0] as XmlNode;
}

/** Problems with a document against the sequences above; empty when valid. */
export function validate(node: XmlNode, path = node.name): string[] {
  const seq = SEQUENCES[node.name];
  if (!seq) return node.children.length ? [`${path}: unexpected child elements`] : [];
  const problems: string[] = [];
  let p = 0;
  const counts = new Map<string, number>();
  for (const child of node.children) {
    while (p < seq.length && seq[p]?.[0] !== child.name) {
      const [name, min] = seq[p] as Seq[number];
      if ((counts.get(name) ?? 0) < min) problems.push(`${path}: missing required element ${name} before ${child.name}`);
      p++;
    }
    if (p >= seq.length) {
      problems.push(`${path}: element ${child.name} is unexpected or out of order`);
      return problems;
    }
    const n = (counts.get(child.name) ?? 0) + 1;
    counts.set(child.name, n);
    if (n > (seq[p] as Seq[number])[2]) problems.push(`${path}: too many ${child.name}`);
    problems.push(...validate(child, `${path}/${child.name}`));
  }
  for (; p < seq.length; p++) {
    const [name, min] = seq[p] as Seq[number];
    if ((counts.get(name) ?? 0) < min) problems.push(`${path}: missing required element ${name}`);
  }
  if (node.name === 'internetDetails' && node.children.length !== 1) problems.push(`${path}: exactly one incident kind`);
  if (node.name === 'incidentType' && !INCIDENT_TYPES.has(node.text)) problems.push(`${path}: unknown incident type ${node.text}`);
  return problems;
}

export type Failure = 'http500' | 'retryable' | 'drop' | 'corruptMd5';

export interface NcmecCall {
  method: string;
  path: string;
  responseCode: number | null;
  body: string;
}

interface ServerReport {
  xml: string;
  status: 'open' | 'finished' | 'retracted';
  files: Map<string, { name: string; md5: string; size: number; details: string | null }>;
}

export async function startNcmecServer(opts: { user?: string; password?: string } = {}) {
  const user = opts.user ?? 'esp-test';
  const password = opts.password ?? 'esp-test-password';
  const reports = new Map<string, ServerReport>();
  const calls: NcmecCall[] = [];
  const perPath = new Map<string, number>();
  const failures: { path: string; call: number; kind: Failure }[] = [];
  let nextReport = 1000;
  let nextFile = 1;

  const reply = (res: ServerResponse, code: number, description: string, extra: Record<string, string> = {}, http = 200) => {
    const fields = Object.entries(extra).map(([k, v]) => `<${k}>${v}</${k}>`).join('');
    const body = `<?xml version="1.0" encoding="UTF-8"?><reportResponse><responseCode>${code}</responseCode><responseDescription>${description}</responseDescription>${fields}</reportResponse>`;
    res.writeHead(http, { 'content-type': 'text/xml' }).end(body);
    return code;
  };

  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<number | null> {
    const path = (req.url ?? '/').split('?')[0] as string;
    const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return reply(res, 401, 'Unauthorized', {}, 401);
    const n = (perPath.get(path) ?? 0) + 1;
    perPath.set(path, n);
    const failure = failures.findIndex((f) => f.path === path && f.call === n);
    const kind = failure >= 0 ? failures.splice(failure, 1)[0]?.kind : undefined;
    if (kind === 'drop') {
      req.socket.destroy();
      return null;
    }
    if (kind === 'http500') return reply(res, 5000, 'Internal server error', {}, 500);
    if (kind === 'retryable') return reply(res, 1000, 'Service temporarily unavailable; try again', {});
    if (req.method === 'GET' && path === '/status') return reply(res, 0, 'Success');
    if (req.method !== 'POST') return reply(res, 4000, `no ${req.method} ${path}`, {}, 404);
    const text = raw.toString('utf8');
    const report = (id: string | undefined) => {
      const r = id ? reports.get(id) : undefined;
      if (!r) return { error: reply(res, 2000, `report ${id ?? '(none)'} not found`) };
      if (r.status === 'finished') return { error: reply(res, 2001, 'report already finished') };
      if (r.status === 'retracted') return { error: reply(res, 2002, 'report already retracted') };
      return { r };
    };
    switch (path) {
      case '/submit': {
        if (!String(req.headers['content-type']).startsWith('text/xml')) return reply(res, 3000, 'content type must be text/xml');
        let doc: XmlNode;
        try {
          doc = parseXml(text);
        } catch (e) {
          return reply(res, 3001, (e as Error).message);
        }
        if (doc.name !== 'report') return reply(res, 3002, `root element must be report, not ${doc.name}`);
        const problems = validate(doc);
        if (problems.length) return reply(res, 3003, problems.join('; ').replace(/</g, ''));
        const id = String(nextReport++);
        reports.set(id, { xml: text, status: 'open', files: new Map() });
        return reply(res, 0, 'Success', { reportId: id });
      }
      case '/upload': {
        const parts = parseMultipart(raw, String(req.headers['content-type']));
        const { r, error } = report(parts.get('id')?.data.toString('utf8'));
        if (error !== undefined) return error;
        const file = parts.get('file');
        if (!file || !r) return reply(res, 3004, 'no file part');
        const fileId = `f${nextFile++}`;
        const md5 = createHash('md5').update(file.data).digest('hex');
        r.files.set(fileId, { name: file.filename ?? '', md5, size: file.data.length, details: null });
        return reply(res, 0, 'Success', { reportId: parts.get('id')?.data.toString('utf8') ?? '', fileId, hash: kind === 'corruptMd5' ? '0'.repeat(32) : md5 });
      }
      case '/fileinfo': {
        let doc: XmlNode;
        try {
          doc = parseXml(text);
        } catch (e) {
          return reply(res, 3001, (e as Error).message);
        }
        const problems = doc.name === 'fileDetails' ? validate(doc) : [`root element must be fileDetails, not ${doc.name}`];
        if (problems.length) return reply(res, 3003, problems.join('; '));
        const reportId = doc.children.find((c) => c.name === 'reportId')?.text;
        const { r, error } = report(reportId);
        if (error !== undefined) return error;
        const fileId = doc.children.find((c) => c.name === 'fileId')?.text ?? '';
        const f = r?.files.get(fileId);
        if (!f) return reply(res, 2003, `file ${fileId} not found in report ${reportId}`);
        f.details = text;
        return reply(res, 0, 'Success', { reportId: reportId ?? '' });
      }
      case '/finish':
      case '/retract': {
        const id = new URLSearchParams(text).get('id') ?? undefined;
        const { r, error } = report(id);
        if (error !== undefined) return error;
        if (!r) return null;
        if (path === '/finish') {
          const missing = [...r.files.entries()].filter(([, f]) => f.details === null).map(([fid]) => fid);
          if (missing.length) return reply(res, 2004, `file details missing for ${missing.join(', ')}`);
        }
        r.status = path === '/finish' ? 'finished' : 'retracted';
        return reply(res, 0, 'Success', { reportId: id ?? '' });
      }
      default:
        return reply(res, 4000, `no route ${path}`, {}, 404);
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      handle(req, res, raw).then(
        (responseCode) => calls.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0] as string, responseCode, body: raw.toString('utf8') }),
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    user,
    password,
    reports,
    calls,
    /** Fails the `call`-th request (1-based, counted per path from the start) to `path` once. */
    failOn(path: string, call: number, kind: Failure) {
      failures.push({ path, call, kind });
    },
    count: (path: string) => calls.filter((c) => c.path === path).length,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

function parseMultipart(raw: Buffer, contentType: string): Map<string, { data: Buffer; filename: string | null }> {
  const out = new Map<string, { data: Buffer; filename: string | null }>();
  const boundary = contentType.match(/boundary="?([^";]+)"?/)?.[1];
  if (!boundary) return out;
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start >= 0) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, split).toString('utf8');
    const name = headers.match(/name="([^"]*)"/)?.[1];
    const filename = headers.match(/filename="([^"]*)"/)?.[1] ?? null;
    if (name) out.set(name, { data: part.subarray(split + 4), filename });
    start = next;
  }
  return out;
}
