import type { Command } from 'commander';
import { presentTrace } from '../../api/routes/traces.js';
import { categoryIdSchema, findCategory, type Taxonomy } from '../../core/taxonomy.js';
import { buildItemTrace, missedCatches, renderItemTrace, suggestRootCauses } from '../../investigations/trace/index.js';
import { latestConfig } from '../../store/repos/config.js';
import { findItemIdsByExternalId } from '../../store/repos/items.js';
import { withHaven } from '../context.js';

export function traceCommand(program: Command): void {
  program
    .command('trace')
    .argument('<item>', 'Haven item id or the platform external id')
    .description('the analysed enforcement trace of an item: its timeline, the first point it could have been caught and was not, and likely root causes (`haven item` prints the raw events)')
    .option('--json', 'print JSON (as GET /v1/items/:id/trace)')
    .option('--expected <category>', 'what the item is when no decision says so, e.g. CSE-01')
    .action(async (id: string, o: { json?: boolean; expected?: string }) => {
      const parsed = o.expected === undefined ? null : categoryIdSchema.safeParse(o.expected);
      if (parsed && !parsed.success) throw new Error(`--expected: ${parsed.error.issues[0]?.message ?? 'not a category id'}`);
      const expected = parsed?.success ? { category: parsed.data } : null;
      await withHaven(async (haven) => {
        const taxonomy = await latestConfig<Taxonomy>(haven.store.db, 'taxonomy');
        if (expected && (!taxonomy || !findCategory(taxonomy.document, expected.category))) {
          throw new Error(`--expected: ${expected.category} is not a category of the taxonomy`);
        }
        let trace = await buildItemTrace(haven.store.db, id, { now: haven.clock.now() });
        if (!trace) {
          const [newest] = await findItemIdsByExternalId(haven.store.db, id);
          if (newest) trace = await buildItemTrace(haven.store.db, newest, { now: haven.clock.now() });
        }
        if (!trace) throw new Error(`no item with id or external id ${id}`);
        const missed = missedCatches(trace, expected);
        const suggestions = suggestRootCauses([trace], expected);
        process.stdout.write(o.json
          ? `${JSON.stringify(presentTrace({ trace, expected, firstMissedCatch: missed[0] ?? null, missedCatches: missed, suggestions }), null, 2)}\n`
          : renderItemTrace(trace, missed[0] ?? null, suggestions));
      });
    });
}
