import { Command } from 'commander';
import { HAVEN_VERSION } from '../version.js';
import { adminCommands } from './commands/admin.js';
import { analyticsNetworksCommands } from './commands/analytics-networks.js';
import { analyticsTacticsCommands } from './commands/analytics-tactics.js';
import { analyticsTrendsCommands } from './commands/analytics-trends.js';
import { appealCommands } from './commands/appeals.js';
import { bankCommands } from './commands/bank.js';
import { classifyCommand } from './commands/classify.js';
import { escalationCommands } from './commands/escalation.js';
import { evalCommands } from './commands/eval.js';
import { evidenceCommands } from './commands/evidence.js';
import { hashCommand } from './commands/hash.js';
import { ingestCommand } from './commands/ingest.js';
import { itemCommand } from './commands/item.js';
import { modelCommands } from './commands/model.js';
import { opsCommands } from './commands/ops.js';
import { proposalCommands, whatIfCommand } from './commands/proposal.js';
import { reportCommands } from './commands/reports.js';
import { rulesCommands } from './commands/rules.js';
import { serveCommand } from './commands/serve.js';
import { sqlCommand } from './commands/sql.js';
import { textCommand } from './commands/text.js';
import { traceCommand } from './commands/trace.js';

const program = new Command()
  .name('haven')
  .description('Haven: child-safety operations. Configuration comes from HAVEN_* environment variables (see README).')
  .version(HAVEN_VERSION);

serveCommand(program);
ingestCommand(program);
itemCommand(program);
bankCommands(program);
evalCommands(program);
adminCommands(program);
hashCommand(program);
classifyCommand(program);
modelCommands(program);
rulesCommands(program);
reportCommands(program);
evidenceCommands(program);
textCommand(program);
appealCommands(program);
opsCommands(program);
escalationCommands(program);
traceCommand(program);
proposalCommands(program);
whatIfCommand(program);
sqlCommand(program);
analyticsTacticsCommands(program);
analyticsTrendsCommands(program);
analyticsNetworksCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`haven: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
