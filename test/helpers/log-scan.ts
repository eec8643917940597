import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Shapes of Haven's own credentials: any full one in a log line is a leak, whichever test made it. */
export const SECRET_SHAPES: { name: string; pattern: RegExp }[] = [
  { name: 'API key', pattern: /hvk_[A-Za-z0-9_-]{43}/ },
  { name: 'session token', pattern: /hvs_[A-Za-z0-9_-]{43}/ },
];

/**
 * The passwords and secrets the tests use, read from their sources: string literals of eight or more characters
 * assigned to a name or field containing password, secret or token.
 */
export function secretsInTestSources(dir: string): string[] {
  const found = new Set<string>();
  const literal = /(?:password|secret|token)\w*['"]?\s*[:=]\s*'([^'\s]{8,})'/gi;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(literal)) if (m[1]) found.add(m[1]);
    }
  };
  walk(dir);
  return [...found].sort();
}

export interface Finding {
  file: string;
  line: number;
  what: string;
}

/** Every line of every file under `dir` that holds a secret of a known shape or one of `literals`. */
export async function scanLogs(dir: string, literals: readonly string[]): Promise<{ files: number; lines: number; bytes: number; findings: Finding[] }> {
  const findings: Finding[] = [];
  let lines = 0;
  let bytes = 0;
  const files = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile());
  for (const f of files) {
    const rl = createInterface({ input: createReadStream(join(dir, f), 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
    let n = 0;
    for await (const text of rl) {
      n++;
      bytes += text.length + 1;
      for (const s of SECRET_SHAPES) if (s.pattern.test(text)) findings.push({ file: f, line: n, what: s.name });
      for (const l of literals) if (text.includes(l)) findings.push({ file: f, line: n, what: `the literal ${l.slice(0, 3)}… (${l.length} chars)` });
    }
    lines += n;
  }
  return { files: files.length, lines, bytes, findings };
}
