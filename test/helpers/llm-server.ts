import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for LLM APIs: one node:http server on 127.0.0.1 speaking both OpenAI Chat Completions
 * (POST /v1/chat/completions) and Anthropic Messages (POST /v1/messages), plus GET /v1/models. A script decides each
 * reply; every request is recorded (the key's value never is) so tests can check what Haven sent.
 */

export type LlmProtocol = 'openai' | 'anthropic';

export type LlmReply =
  /** A normal answer whose text is `text` (a JSON verdict, malformed JSON, anything). */
  | { kind: 'text'; text: string; inputTokens?: number; outputTokens?: number; finishReason?: string; model?: string; delayMs?: number }
  /** A refusal: OpenAI message.refusal (or finish_reason content_filter), Anthropic stop_reason "refusal". */
  | { kind: 'refusal'; text?: string; contentFilter?: boolean; delayMs?: number }
  /** An error status, optionally with Retry-After (seconds or a date, as sent). */
  | { kind: 'status'; status: number; message?: string; retryAfter?: string; delayMs?: number }
  /** Close the connection without answering (a network error for the client). */
  | { kind: 'hangup'; delayMs?: number };

/** Shorthands for scripts. */
export const reply = {
  json: (value: unknown, opts: Omit<Extract<LlmReply, { kind: 'text' }>, 'kind' | 'text'> = {}): LlmReply => ({ kind: 'text', text: JSON.stringify(value), ...opts }),
  text: (text: string, opts: Omit<Extract<LlmReply, { kind: 'text' }>, 'kind' | 'text'> = {}): LlmReply => ({ kind: 'text', text, ...opts }),
  malformed: (): LlmReply => ({ kind: 'text', text: '{"verdict": "flag", "confidence": 0.9' }),
  refusal: (opts: { text?: string; contentFilter?: boolean } = {}): LlmReply => ({ kind: 'refusal', ...opts }),
  status: (status: number, opts: { message?: string; retryAfter?: string } = {}): LlmReply => ({ kind: 'status', status, ...opts }),
  rateLimited: (retryAfterSeconds?: number): LlmReply => ({
    kind: 'status', status: 429, message: 'rate limit reached', ...(retryAfterSeconds !== undefined ? { retryAfter: String(retryAfterSeconds) } : {}),
  }),
  serverError: (status = 500): LlmReply => ({ kind: 'status', status, message: 'internal error' }),
  hangup: (): LlmReply => ({ kind: 'hangup' }),
  slow: (delayMs: number, inner: LlmReply): LlmReply => ({ ...inner, delayMs }),
};

// biome-ignore lint/suspicious/noExplicitAny: a recorded body is arbitrary JSON that tests index into freely
export type JsonBody = any;

export interface RecordedImage {
  mime: string;
  /** Base64, as sent. */
  data: string;
}

export interface RecordedLlmRequest {
  protocol: LlmProtocol | 'models';
  method: string;
  path: string;
  /** Lower-cased; authorization and x-api-key values are replaced by "[present]". */
  headers: Record<string, string>;
  /** An authorization or x-api-key header was sent. */
  hasKey: boolean;
  /** The parsed JSON body (null for GET). */
  body: JsonBody;
  /** Read from either protocol's body, for assertions that do not care which. */
  model: string | null;
  system: string | null;
  userText: string;
  images: RecordedImage[];
  /** OpenAI response_format json_object was asked for. */
  jsonMode: boolean;
  maxTokens: number | null;
}

export type LlmScript = LlmReply[] | ((request: RecordedLlmRequest, index: number) => LlmReply | Promise<LlmReply>);

export interface LlmServerOptions {
  /** When set, a request without exactly this key gets 401 (whose message echoes the key, as some APIs do). */
  apiKey?: string;
  /** Listed by GET /v1/models; default ["test-model"]. */
  models?: string[];
}

export interface LlmServer {
  /** Base URL for either provider: http://127.0.0.1:PORT/v1. */
  url: string;
  /** Every request, in arrival order. */
  requests: RecordedLlmRequest[];
  /** Replaces the script (a queue restarts from its first reply). */
  setScript(script: LlmScript): void;
  /** Requests answered or in progress at once, at most, so far. */
  maxInFlight(): number;
  close(): Promise<void>;
}

function dataUrlImage(url: string): RecordedImage | null {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m ? { mime: m[1]!, data: m[2]! } : null;
}

function summarise(protocol: LlmProtocol, body: JsonBody): Pick<RecordedLlmRequest, 'model' | 'system' | 'userText' | 'images' | 'jsonMode' | 'maxTokens'> {
  const messages: JsonBody[] = Array.isArray(body?.messages) ? body.messages : [];
  const images: RecordedImage[] = [];
  const texts: string[] = [];
  let system: string | null = protocol === 'anthropic' && typeof body?.system === 'string' ? body.system : null;
  for (const message of messages) {
    if (message?.role === 'system' || message?.role === 'developer') {
      system = typeof message.content === 'string' ? message.content : null;
      continue;
    }
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') texts.push(message.content);
    for (const part of Array.isArray(message.content) ? message.content : []) {
      if (part?.type === 'text') texts.push(part.text);
      if (part?.type === 'image_url') {
        const image = dataUrlImage(String(part.image_url?.url ?? ''));
        if (image) images.push(image);
      }
      if (part?.type === 'image' && part.source?.type === 'base64') images.push({ mime: part.source.media_type, data: part.source.data });
    }
  }
  return {
    model: typeof body?.model === 'string' ? body.model : null,
    system,
    userText: texts.join('\n'),
    images,
    jsonMode: body?.response_format?.type === 'json_object',
    maxTokens: body?.max_tokens ?? body?.max_completion_tokens ?? null,
  };
}

function openAiAnswer(r: LlmReply, model: string): unknown {
  const base = { id: 'chatcmpl-test', object: 'chat.completion', created: 0, model };
  if (r.kind === 'refusal') {
    return {
      ...base,
      choices: [
        r.contentFilter
          ? { index: 0, message: { role: 'assistant', content: null }, finish_reason: 'content_filter' }
          : { index: 0, message: { role: 'assistant', content: null, refusal: r.text ?? 'I cannot help with that.' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 100, completion_tokens: 8, total_tokens: 108 },
    };
  }
  const t = r as Extract<LlmReply, { kind: 'text' }>;
  const input = t.inputTokens ?? 100;
  const output = t.outputTokens ?? 20;
  return {
    ...base,
    model: t.model ?? model,
    choices: [{ index: 0, message: { role: 'assistant', content: t.text, refusal: null }, finish_reason: t.finishReason ?? 'stop' }],
    usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
  };
}

function anthropicAnswer(r: LlmReply, model: string): unknown {
  const base = { id: 'msg_test', type: 'message', role: 'assistant', model, stop_sequence: null };
  if (r.kind === 'refusal') {
    return { ...base, content: r.text ? [{ type: 'text', text: r.text }] : [], stop_reason: 'refusal', usage: { input_tokens: 100, output_tokens: 8 } };
  }
  const t = r as Extract<LlmReply, { kind: 'text' }>;
  return {
    ...base,
    model: t.model ?? model,
    content: [{ type: 'text', text: t.text }],
    stop_reason: t.finishReason ?? 'end_turn',
    usage: { input_tokens: t.inputTokens ?? 100, output_tokens: t.outputTokens ?? 20 },
  };
}

function errorBody(protocol: LlmProtocol, status: number, message: string): unknown {
  const type = status === 429 ? 'rate_limit_error' : status === 401 ? 'authentication_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
  return protocol === 'anthropic' ? { type: 'error', error: { type, message } } : { error: { message, type, code: null } };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startLlmServer(script: LlmScript = () => reply.json({}), options: LlmServerOptions = {}): Promise<LlmServer> {
  const requests: RecordedLlmRequest[] = [];
  let current: LlmScript = script;
  let queueAt = 0;
  let answered = 0;
  let inFlight = 0;
  let peak = 0;
  const timers = new Set<NodeJS.Timeout>();
  const models = options.models ?? ['test-model'];

  const next = async (recorded: RecordedLlmRequest): Promise<LlmReply> => {
    const index = answered++;
    if (typeof current === 'function') return current(recorded, index);
    const queued = current[queueAt++];
    return queued ?? { kind: 'status', status: 500, message: 'llm test server: script exhausted' };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const raw = await readBody(req);
    const headers: Record<string, string> = {};
    let hasKey = false;
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      const isKey = name === 'authorization' || name === 'x-api-key';
      hasKey ||= isKey;
      headers[name] = isKey ? '[present]' : Array.isArray(value) ? value.join(', ') : value;
    }
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      if (!res.writableEnded && !res.destroyed) res.writeHead(status, { 'content-type': 'application/json', ...extra }).end(JSON.stringify(body));
    };

    if (req.method === 'GET' && path === '/v1/models') {
      requests.push({ protocol: 'models', method: 'GET', path, headers, hasKey, body: null, model: null, system: null, userText: '', images: [], jsonMode: false, maxTokens: null });
      send(200, { object: 'list', data: models.map((id) => ({ id, object: 'model', type: 'model', display_name: id, created: 0, owned_by: 'test' })), has_more: false });
      return;
    }
    const protocol: LlmProtocol | null =
      req.method === 'POST' && path === '/v1/chat/completions' ? 'openai' : req.method === 'POST' && path === '/v1/messages' ? 'anthropic' : null;
    if (!protocol) {
      send(404, { error: { message: `no route ${req.method} ${path}` } });
      return;
    }
    let body: JsonBody = null;
    try {
      body = JSON.parse(raw);
    } catch {
      send(400, errorBody(protocol, 400, 'body is not JSON'));
      return;
    }
    const recorded: RecordedLlmRequest = { protocol, method: 'POST', path, headers, hasKey, body, ...summarise(protocol, body) };
    requests.push(recorded);

    if (options.apiKey !== undefined) {
      const sent = protocol === 'openai' ? req.headers.authorization?.replace(/^Bearer /, '') : req.headers['x-api-key'];
      if (sent !== options.apiKey) {
        send(401, errorBody(protocol, 401, `Incorrect API key provided: ${sent ?? '(none)'}`));
        return;
      }
    }

    const r = await next(recorded);
    if (r.delayMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, r.delayMs);
        timers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
          resolve();
        });
      });
    }
    if (r.kind === 'hangup') {
      req.socket.destroy();
      return;
    }
    if (r.kind === 'status') {
      send(r.status, errorBody(protocol, r.status, r.message ?? `status ${r.status}`), r.retryAfter ? { 'retry-after': r.retryAfter } : {});
      return;
    }
    const model = recorded.model ?? models[0]!;
    send(200, protocol === 'openai' ? openAiAnswer(r, model) : anthropicAnswer(r, model));
  };

  const server: Server = createServer((req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.on('close', () => inFlight--);
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: err.message } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    setScript(s) {
      current = s;
      queueAt = 0;
    },
    maxInFlight: () => peak,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
