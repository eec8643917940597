/** The contract between the bench runner (bench/main.ts) and each scenario under bench/scenarios/. */

export interface ScenarioOptions {
  /** `--items N`; undefined means the scenario's own default size. */
  items: number | undefined;
  /** Progress for the human watching; goes to stderr so `--json` output stays clean. */
  log(message: string): void;
}

/** One timed step. Items/s is derived by the runner so every scenario reports it the same way. */
export interface Phase {
  label: string;
  items: number;
  seconds: number;
  /** Process CPU time (user + system, all threads) over the phase; well below `seconds` means waiting on I/O. */
  cpuSeconds?: number;
}

export interface Ratio {
  label: string;
  value: number;
}

export interface ScenarioResult {
  /** What was run (sizes, batch sizes, seeds) so two results can be compared. */
  params: Record<string, string | number | boolean>;
  phases: Phase[];
  ratios: Ratio[];
  /** Row counts and similar sanity numbers the scenario already checked. */
  counts: Record<string, number>;
  notes: string[];
}

export interface Scenario {
  name: string;
  description: string;
  /** Throws when its sanity checks fail, so a bench can never silently measure nothing. */
  run(opts: ScenarioOptions): Promise<ScenarioResult>;
}

/** Raised by scenarios when the work they timed did not produce what it should have. */
export class BenchCheckError extends Error {
  override readonly name = 'BenchCheckError';
}
