import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
/** Recorded on every ingested item, so a trace names the build that handled it. */
export const HAVEN_VERSION: string = pkg.version;
