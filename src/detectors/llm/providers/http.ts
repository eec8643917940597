/**
 * The one HTTP call both providers make: POST a JSON body to one URL built from the configured base URL, with
 * redirects refused (a redirect could carry the key to another host), and failures sorted into the errors the
 * resilient wrapper decides on.
 */

/** The server answered with a non-2xx status, or with a body that is not the JSON the protocol promises. */
export class ProviderHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** From Retry-After / retry-after-ms, when the server sent one. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderHttpError';
  }
}

/** No HTTP answer at all: connection refused or reset, DNS failure, a redirect refused. */
export class ProviderNetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderNetworkError';
  }
}

const MAX_ERROR_DETAIL = 200;

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
}

/**
 * Milliseconds to wait from the retry-after-ms header (OpenAI) or Retry-After (seconds or an HTTP date); null when
 * absent or unreadable.
 */
export function parseRetryAfterMs(headers: Headers, now = Date.now()): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Removes the key, and anything shaped like one, from text that came back from the server. */
export function redactSecrets(text: string, secret: string | null): string {
  let out = secret && secret.length > 0 ? text.split(secret).join('[redacted]') : text;
  out = out.replace(/\b(sk|key|token)-[A-Za-z0-9_*.-]{6,}/gi, '[redacted]');
  return out;
}

function errorDetail(body: string, secret: string | null): string {
  let detail = body;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === 'string') detail = parsed.error;
    else if (typeof parsed.error?.message === 'string') detail = parsed.error.message;
    else if (typeof parsed.message === 'string') detail = parsed.message;
  } catch {
    // not JSON: keep the raw text
  }
  detail = redactSecrets(detail.replace(/\s+/g, ' ').trim(), secret);
  return detail.length > MAX_ERROR_DETAIL ? `${detail.slice(0, MAX_ERROR_DETAIL)}…` : detail;
}

export interface PostJsonOptions {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal?: AbortSignal;
  /** Redacted from any error text. */
  secret: string | null;
  /** For error messages: "openai", "anthropic". */
  label: string;
}

/** POSTs JSON and returns the parsed JSON answer; an aborted signal rejects with the signal's reason, untouched. */
export async function postJson(opts: PostJsonOptions): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(opts.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...opts.headers },
      body: JSON.stringify(opts.body),
      signal: opts.signal,
      redirect: 'error',
    });
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new ProviderNetworkError(`${opts.label}: request failed (${redactSecrets(String(why), opts.secret)})`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    throw new ProviderNetworkError(`${opts.label}: connection lost while reading the answer (${(err as Error).message})`);
  }
  if (!response.ok) {
    throw new ProviderHttpError(
      response.status,
      `${opts.label}: HTTP ${response.status}${text ? `: ${errorDetail(text, opts.secret)}` : ''}`,
      parseRetryAfterMs(response.headers),
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProviderHttpError(response.status, `${opts.label}: the answer was not JSON`);
  }
}
