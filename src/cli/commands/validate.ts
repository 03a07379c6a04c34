import { Option } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_MAX_ERRORS, summary } from '../../diagnostics/format.js';
import type { DiagnosticFormat } from '../../diagnostics/format.js';
import { checkPolicies } from '../../toolchain/index.js';
import { parseCount, parseInstant, printDiagnostics } from '../command.js';
import type { CommandModule } from '../command.js';

interface ValidateFlags {
  dir: string;
  format: DiagnosticFormat;
  maxErrors: number;
  now?: Date;
  failOnWarn?: boolean;
}

const EXAMPLES = `
Examples:
  $ blastguard validate                          # check ./policies
  $ blastguard validate --dir infra/policies
  $ blastguard validate --format github          # annotations on the pull request diff
  $ blastguard validate --format json | jq '.diagnostics[] | select(.severity == "error")'
  $ blastguard validate --now 2027-01-01T00:00:00Z   # which tokens will have expired by then?

Exit status: 0 no errors (warnings allowed), 1 errors (or warnings with --fail-on-warn), 2 usage.
`;

export const validateCommand: CommandModule = {
  name: 'validate',
  register(program: Command, io, setExit) {
    program
      .command('validate')
      .description('Check policy files: YAML, JSON Schemas and cross-document rules')
      .option('--dir <dir>', 'policy directory', 'policies')
      .addOption(new Option('--format <format>', 'output format').choices(['human', 'json', 'github']).default('human'))
      .option('--max-errors <n>', 'show at most this many problems (0 = all)', parseCount, DEFAULT_MAX_ERRORS)
      .option('--now <time>', 'check token and override expiry as of this RFC 3339 time (default: the clock)', parseInstant)
      .option('--fail-on-warn', 'exit 1 when there are warnings')
      .addHelpText('after', EXAMPLES)
      .action(async (flags: ValidateFlags) => {
        const result = await checkPolicies({ dir: flags.dir, cwd: io.cwd, ...(flags.now === undefined ? {} : { now: flags.now }) });
        printDiagnostics(io, result.diagnostics, flags.format, result.sources, { maxErrors: flags.maxErrors });
        if (flags.format === 'human') {
          const documents =
            result.set.apis.length +
            result.set.policies.length +
            result.set.tokens.length +
            result.set.overrides.length +
            (result.set.inventories?.length ?? 0) +
            result.set.replays.length +
            result.set.testSuites.length;
          const line = `${flags.dir}: ${documents} valid ${documents === 1 ? 'document' : 'documents'}, ${summary(result.errorCount, result.warningCount)}\n`;
          io.stdout(line);
        }
        const failed = result.errorCount > 0 || (flags.failOnWarn === true && result.warningCount > 0);
        setExit(failed ? 1 : 0);
      });
  },
};
