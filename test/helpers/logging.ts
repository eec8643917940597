import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import { createLogger } from '../../src/logging.js';

/**
 * Where a full test run collects every log line Haven writes (scripts/test.js sets it), so the log-secret check that
 * runs after the suite can search them for the keys, passwords and tokens the tests used. Unset: tests log nothing.
 */
export const TEST_LOG_DIR = process.env.HAVEN_TEST_LOG_DIR;

/** The level Haven runs at in tests: debug while logs are collected (request lines included), else silent. */
export const TEST_LOG_LEVEL = TEST_LOG_DIR ? 'debug' : 'silent';

/** The product's own logger (its redaction included), writing to a file of the collected logs, or silent. */
export function testLogger(): Logger {
  return TEST_LOG_DIR ? createLogger('debug', testLogFile('inproc')) : pino({ level: 'silent' });
}

/** A new file name in the collected logs. */
export function testLogFile(kind: string): string {
  if (!TEST_LOG_DIR) throw new Error('HAVEN_TEST_LOG_DIR is not set');
  return join(TEST_LOG_DIR, `${kind}-${process.pid}-${randomUUID().slice(0, 8)}.log`);
}
