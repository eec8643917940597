/**
 * Text detection throughput on demo text: normalisation alone, then the rules engine (normalise + one Aho-Corasick
 * pass over 10k+ terms + regexes + conditions), against a plain String.prototype.includes loop over the same terms
 * on the same lower-cased texts. Also times a catastrophic-backtracking pattern on a 100 KB message, which the
 * linear regex engine must finish well under 50 ms.
 */
import { cpuUsage } from 'node:process';
import { toEpochMs } from '../../src/core/item-input.js';
import { demoTextItems } from '../../src/demo/bench-items.js';
import { normalize, skeleton } from '../../src/detectors/text/normalize/index.js';
import { accountAgeDays, type RuleContext } from '../../src/detectors/text/rules/context.js';
import { DEFAULT_RULES_SOURCE } from '../../src/detectors/text/rules/default-rules.js';
import { TermAutomaton } from '../../src/detectors/text/rules/aho-corasick.js';
import { syntheticModel } from '../../src/detectors/model/bench.js';
import { compileLinear, findMatches } from '../../src/detectors/text/rules/linear-regex.js';
import { parseRuleFile } from '../../src/detectors/text/rules/parse.js';
import { RuleSet } from '../../src/detectors/text/rules/rule-set.js';
import { termKey } from '../../src/detectors/text/rules/words.js';
import { BenchCheckError, type Phase, type Scenario, type ScenarioOptions, type ScenarioResult } from '../types.js';

const DEFAULT_ITEMS = 20_000;
const SEED = 1;
const SYNTHETIC_TERMS = 10_000;
const CATASTROPHIC = '(a+)+$';
const CATASTROPHIC_TEXT_CHARS = 100_000;
const CATASTROPHIC_BUDGET_MS = 50;

/** Text classifiers measured on the same texts, each reported as one more phase beside the rules engine. */
export interface TextModelBench {
  label: string;
  /** Classifies every text; returns how many predictions it made. */
  predict(texts: readonly string[]): Promise<number>;
}
const textModelBenches: TextModelBench[] = [{
  // Scoring cost does not depend on the weight values, so a seeded synthetic model stands in for a trained one.
  label: `local model, ${syntheticModel().categories.length} categories, normalise + featurise + score`,
  async predict(texts) {
    const model = syntheticModel();
    let sink = 0;
    for (const t of texts) sink += model.predict(t)[0]?.score ?? 0;
    if (!Number.isFinite(sink)) throw new BenchCheckError('model scores were not finite');
    return texts.length;
  },
}];

const WORDS = [
  'amber', 'basket', 'candle', 'daisy', 'engine', 'fabric', 'garden', 'harbor', 'island', 'jacket', 'kettle', 'ladder',
  'meadow', 'napkin', 'orbit', 'pepper', 'quartz', 'ribbon', 'saddle', 'tunnel', 'umbrella', 'velvet', 'walnut',
  'yonder', 'zephyr', 'marble', 'lantern', 'pebble', 'thimble', 'cobalt',
];

/** Distinct neutral two- and three-word phrases ("amber basket", "candle daisy engine"), deterministic. */
function syntheticTerms(count: number): string[] {
  const out: string[] = [];
  const n = WORDS.length;
  for (let i = 0; out.length < count; i++) {
    const a = WORDS[i % n] as string;
    const b = WORDS[Math.floor(i / n) % n] as string;
    const c = i >= n * n ? ` ${WORDS[Math.floor(i / (n * n)) % n]}` : '';
    out.push(`${a} ${b}${c} ${i < n * n ? 'alpha' : 'beta'}`);
  }
  return out;
}

function timed<T>(fn: () => T): { value: T; seconds: number; cpuSeconds: number } {
  const cpu0 = cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const cpu = cpuUsage(cpu0);
  return { value, seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const mbPerSecond = (chars: number, seconds: number) => (chars / 1e6) / Math.max(seconds, 1e-9);

export const textScenario: Scenario = {
  name: 'text',
  description: 'normalisation + text rules (10k terms, one automaton) vs an includes() loop; linear regex on 100 KB',
  async run({ items, log }: ScenarioOptions): Promise<ScenarioResult> {
    const count = items ?? DEFAULT_ITEMS;
    log(`generating ${count} demo text items`);
    const samples = [...demoTextItems(count, SEED)].map((i) => ({
      text: i.text ?? '',
      context: {
        surface: i.surface,
        authorAgeBand: i.author?.ageBand ?? 'unknown',
        recipientAgeBands: (i.recipients ?? []).map((r) => r.ageBand ?? 'unknown'),
        authorAccountAgeDays: i.author?.createdAt !== undefined ? accountAgeDays(toEpochMs(i.author.createdAt, 0), toEpochMs(i.createdAt, 0)) : undefined,
      } satisfies RuleContext,
    }));
    const texts = samples.map((s) => s.text);
    const chars = texts.reduce((n, t) => n + t.length, 0);

    const synthetic = syntheticTerms(SYNTHETIC_TERMS);
    const source = `${DEFAULT_RULES_SOURCE.replace('lists:\n', `lists:\n  synthetic_terms:\n${synthetic.map((t) => `    - ${t}\n`).join('')}`)}
  - id: synthetic-terms
    description: Ten thousand neutral synthetic phrases, to load the automaton.
    category: CSE-13
    weight: 0.1
    match:
      terms: synthetic_terms
`;
    log('parsing and compiling the rules');
    const compiled = timed(() => RuleSet.compile(parseRuleFile(source, 'yaml'), 1));
    const rules = compiled.value;
    const file = parseRuleFile(source, 'yaml');
    const allTerms = [...new Set(Object.values(file.lists ?? {}).flat().map((t) => t.toLowerCase()))];
    const phases: Phase[] = [{ label: `parse + compile (${rules.termCount} terms)`, items: 1, seconds: compiled.seconds, cpuSeconds: compiled.cpuSeconds }];

    // Warm up the JIT on every path before timing.
    for (const s of samples.slice(0, 500)) rules.evaluate(s.text, s.context);

    log('normalising');
    const norm = timed(() => {
      let out = 0;
      for (const t of texts) out += skeleton(normalize(t)).normalized.length;
      return out;
    });
    phases.push({ label: 'normalise + skeleton', items: count, seconds: norm.seconds, cpuSeconds: norm.cpuSeconds });

    log('evaluating the rules');
    const evaluated = timed(() => {
      let hits = 0;
      let matched = 0;
      for (const s of samples) {
        const h = rules.evaluate(s.text, s.context);
        hits += h.length;
        if (h.length > 0) matched++;
      }
      return { hits, matched };
    });
    phases.push({ label: 'rules (normalise + match)', items: count, seconds: evaluated.seconds, cpuSeconds: evaluated.cpuSeconds });
    if (evaluated.value.matched === 0) throw new BenchCheckError('the rules matched no demo item; the risky ones should match');

    const lowered = texts.map((t) => t.toLowerCase());
    log(`naive includes() loop over ${allTerms.length} terms`);
    const naive = timed(() => {
      let found = 0;
      for (const t of lowered) for (const term of allTerms) if (t.includes(term)) found++;
      return found;
    });
    phases.push({ label: `includes() x ${allTerms.length} terms`, items: count, seconds: naive.seconds, cpuSeconds: naive.cpuSeconds });
    if (naive.value === 0) throw new BenchCheckError('the includes() loop found nothing; it is not measuring the same work');

    // The matching alone, on texts already normalised: one automaton pass against the includes() loop above.
    const skeletons = texts.map((t) => skeleton(normalize(t)).normalized);
    const automaton = new TermAutomaton([...new Set(allTerms.map(termKey))]);
    const scanned = timed(() => {
      let found = 0;
      for (const t of skeletons) automaton.scan(t, () => { found++; });
      return found;
    });
    phases.push({ label: `automaton scan only (${automaton.patternCount} terms)`, items: count, seconds: scanned.seconds, cpuSeconds: scanned.cpuSeconds });
    if (scanned.value === 0) throw new BenchCheckError('the automaton found nothing');

    for (const model of textModelBenches) {
      const predicted = await (async () => {
        const t0 = performance.now();
        const cpu0 = cpuUsage();
        const n = await model.predict(texts);
        const cpu = cpuUsage(cpu0);
        return { n, seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
      })();
      phases.push({ label: `model: ${model.label}`, items: predicted.n, seconds: predicted.seconds, cpuSeconds: predicted.cpuSeconds });
    }

    log(`catastrophic pattern ${CATASTROPHIC} on ${CATASTROPHIC_TEXT_CHARS / 1000} KB`);
    const linear = compileLinear(CATASTROPHIC);
    if (!linear.ok) throw new BenchCheckError(`${CATASTROPHIC} was refused: ${linear.reason}`);
    const attack = `${'a'.repeat(CATASTROPHIC_TEXT_CHARS)}!`;
    findMatches(linear.regex, attack.slice(0, 1000));
    const regexRun = timed(() => findMatches(linear.regex, attack));
    phases.push({ label: `${CATASTROPHIC} on 100 KB`, items: 1, seconds: regexRun.seconds, cpuSeconds: regexRun.cpuSeconds });
    const regexMs = regexRun.seconds * 1000;
    const regexCpuMs = regexRun.cpuSeconds * 1000;

    const notes = [
      `normalise: ${mbPerSecond(chars, norm.seconds).toFixed(2)} MB/s; rules: ${mbPerSecond(chars, evaluated.seconds).toFixed(2)} MB/s; `
        + `includes(): ${mbPerSecond(chars, naive.seconds).toFixed(2)} MB/s (UTF-16 code units counted as bytes)`,
      // CPU time is the figure to hold to the budget: wall time includes whatever else the machine is doing.
      `${CATASTROPHIC} on ${CATASTROPHIC_TEXT_CHARS} chars: ${regexMs.toFixed(1)} ms wall, ${regexCpuMs.toFixed(1)} ms cpu `
        + `(budget ${CATASTROPHIC_BUDGET_MS} ms cpu${regexCpuMs > CATASTROPHIC_BUDGET_MS ? ' - OVER BUDGET' : ''})`,
    ];
    return {
      params: { items: count, seed: SEED, terms: rules.termCount, rules: rules.ruleCount, chars },
      phases,
      ratios: [
        { label: 'rules (with normalisation) vs includes() loop, items/s', value: naive.seconds / Math.max(evaluated.seconds, 1e-9) },
        { label: 'automaton scan vs includes() loop, items/s', value: naive.seconds / Math.max(scanned.seconds, 1e-9) },
        { label: 'normalise share of rules time', value: norm.seconds / Math.max(evaluated.seconds, 1e-9) },
      ],
      counts: { ruleHits: evaluated.value.hits, itemsMatched: evaluated.value.matched, includesFound: naive.value, automatonFound: scanned.value },
      notes,
    };
  },
};
