import { type NcmecResponse, parseResponse } from './xml.js';

export interface NcmecEndpoint {
  url: string;
  user: string;
  password: string;
}

/** ok: acknowledged (responseCode 0). retry: try the same step again later. refused: the service said no for good. */
export type Outcome = 'ok' | 'retry' | 'refused';

export interface Exchange {
  /** What was sent, verbatim for XML; a description for uploads (file bytes are never stored or logged). */
  request: string;
  httpStatus: number | null;
  body: string | null;
  response: NcmecResponse | null;
  outcome: Outcome;
  error: string | null;
}

/**
 * Response codes treated as "try again": the service busy or failing on its side. Other non-zero codes (schema errors,
 * report not found, already finished or retracted) need a person. Check the list against NCMEC's documentation.
 */
export const RETRYABLE_RESPONSE_CODES: ReadonlySet<number> = new Set([1000, 1001]);

/**
 * Answers to a repeated /finish or /retract meaning the first one took effect (sent before a crash, say). Haven treats
 * them as done: the report is in the state it asked for. Check the codes against NCMEC's documentation.
 */
export const ALREADY_FINISHED_CODE = 2001;
export const ALREADY_RETRACTED_CODE = 2002;

/** NCMEC's reporting web service: one method per lifecycle call, each answering an Exchange and never throwing. */
export class CyberTiplineClient {
  constructor(private readonly endpoint: NcmecEndpoint, private readonly timeoutMs = 60_000) {}

  status(): Promise<Exchange> {
    return this.call('GET', '/status', 'GET /status', undefined, {});
  }

  submit(xml: string): Promise<Exchange> {
    return this.call('POST', '/submit', xml, xml, { 'content-type': 'text/xml; charset=utf-8' });
  }

  upload(reportId: string, file: { name: string; mime: string; bytes: Uint8Array; md5: string }): Promise<Exchange> {
    const form = new FormData();
    form.set('id', reportId);
    form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.mime }), file.name);
    const described = `multipart: id=${reportId}; file=${file.name} (${file.mime}, ${file.bytes.length} bytes, md5 ${file.md5})`;
    return this.call('POST', '/upload', described, form, {});
  }

  fileInfo(xml: string): Promise<Exchange> {
    return this.call('POST', '/fileinfo', xml, xml, { 'content-type': 'text/xml; charset=utf-8' });
  }

  finish(reportId: string): Promise<Exchange> {
    return this.form('/finish', reportId);
  }

  retract(reportId: string): Promise<Exchange> {
    return this.form('/retract', reportId);
  }

  private form(path: string, reportId: string): Promise<Exchange> {
    const body = new URLSearchParams({ id: reportId }).toString();
    return this.call('POST', path, body, body, { 'content-type': 'application/x-www-form-urlencoded' });
  }

  private async call(method: string, path: string, recorded: string, body: string | FormData | undefined, headers: Record<string, string>): Promise<Exchange> {
    const auth = Buffer.from(`${this.endpoint.user}:${this.endpoint.password}`).toString('base64');
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.endpoint.url}${path}`, {
        method, body, headers: { ...headers, authorization: `Basic ${auth}` }, signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return { request: recorded, httpStatus: null, body: null, response: null, outcome: 'retry', error: `${(e as Error).message}${cause ? ` (${cause})` : ''}` };
    }
    const response = parseResponse(text);
    const code = response.responseCode;
    let outcome: Outcome;
    if (res.status >= 500 || res.status === 429) outcome = 'retry';
    else if (code === 0 && res.ok) outcome = 'ok';
    else if (code !== null && RETRYABLE_RESPONSE_CODES.has(code)) outcome = 'retry';
    else if (code === null && res.ok) outcome = 'retry';
    else outcome = 'refused';
    const error = outcome === 'ok' ? null : `HTTP ${res.status}${code !== null ? ` responseCode ${code}` : ''}${response.description ? `: ${response.description}` : ''}`;
    return { request: recorded, httpStatus: res.status, body: text, response, outcome, error };
  }
}
