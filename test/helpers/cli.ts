import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { TEST_LOG_DIR, testLogFile } from './logging.js';

/** The checkout root: the CLI always runs from the TypeScript sources there, never from a stale dist/. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A fresh temporary directory, removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'haven-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The environment of a CLI child: nothing HAVEN_* leaks in from the caller's environment (nor the test runner's
 * own context), only the data directory, a silent log and what the test passes.
 */
export function cliEnv(dataDir: string, env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('HAVEN_') && k !== 'NODE_TEST_CONTEXT' && k !== 'NODE_OPTIONS') base[k] = v;
  }
  const out: NodeJS.ProcessEnv = { ...base, HAVEN_DATA_DIR: dataDir, HAVEN_LOG_LEVEL: 'silent' };
  // While a full run collects logs, a child logs at debug level to its own file, unless the test reads its log
  // from stdout (it then names a level, and the helpers copy the output into the collection).
  if (TEST_LOG_DIR && env.HAVEN_LOG_LEVEL === undefined) {
    out.HAVEN_LOG_LEVEL = 'debug';
    out.HAVEN_LOG_FILE = testLogFile('cli');
  }
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/**
 * Copies a long-running child's output (its log, when the test reads it from stdout) into the collected logs. A
 * one-shot command's stdout is its answer to the operator (a new API key is printed once, by design), not a log.
 */
function collectOutput(child: ChildProcess): void {
  if (!TEST_LOG_DIR) return;
  const file = createWriteStream(testLogFile('cli-output'));
  child.stdout?.on('data', (c: Buffer | string) => file.write(c));
  child.stderr?.on('data', (c: Buffer | string) => file.write(c));
  child.once('close', () => file.end());
}

function spawnCli(args: readonly string[], dataDir: string, env: Record<string, string | undefined>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(dataDir, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (args[0] === 'serve') collectOutput(child);
  return child;
}

/** Runs `haven ARGS` to completion (killed after timeoutMs) and returns its exit code and output. */
export function runHaven(
  args: readonly string[],
  opts: { dataDir: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): Promise<CliResult> {
  const child = spawnCli(args, opts.dataDir, opts.env ?? {});
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface BackgroundHaven {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal (SIGTERM by default) and waits for the exit; SIGKILL if it does not exit within graceMs. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a long-running `haven ARGS` (e.g. `serve --role worker`); it is always killed when the test ends. */
export function startHavenProcess(
  t: TestContext,
  args: readonly string[],
  opts: { dataDir: string; env?: Record<string, string | undefined> },
): BackgroundHaven {
  const child = spawnCli(args, opts.dataDir, opts.env ?? {});
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => { out += c; });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => { err += c; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return exited;
  };
  t.after(() => stop('SIGKILL'));
  return { child, stdout: () => out, stderr: () => err, exited, stop };
}

/** Polls `probe` until it returns something other than undefined/false, or fails after timeoutMs. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
