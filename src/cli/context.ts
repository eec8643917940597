import { type Haven, openHaven, type OpenOptions } from '../app.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logging.js';

/** Opens Haven for a CLI command, runs it, and always closes the database. */
export async function withHaven<T>(fn: (h: Haven) => Promise<T>, opts: OpenOptions = {}): Promise<T> {
  const config = loadConfig();
  const haven = await openHaven(config, { logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, config.logFile), ...opts });
  try {
    return await fn(haven);
  } finally {
    await haven.close();
  }
}
