import { type Logger, pino } from 'pino';

/**
 * Paths whose values never reach a log line, whatever logs them: credentials in headers, bodies and configuration.
 * Redaction is the second line of defence; the first is not logging such objects at all (test/security checks both).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'password',
  '*.password',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'csrfToken',
  '*.csrfToken',
  'masterKey',
  '*.masterKey',
];

/**
 * Haven's logger: JSON lines, written synchronously (the lines before a crash are the ones an operator needs), to
 * stdout or to `file` when HAVEN_LOG_FILE names one.
 */
export function createLogger(level: string, file?: string): Logger {
  return pino(
    { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    pino.destination({ dest: file ?? 1, sync: true, mkdir: file !== undefined, append: true }),
  );
}
