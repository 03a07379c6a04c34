import { Option } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_MAX_ERRORS, formatDiagnostics, summary } from '../../diagnostics/format.js';
import type { DiagnosticFormat } from '../../diagnostics/format.js';
import { checkPolicyDir } from '../../validate/index.js';
import type { CheckResult } from '../../validate/index.js';
import { parseCount, parseInstant, useColor } from '../command.js';
import type { CliIo, CommandModule } from '../command.js';

interface ValidateFlags {
  dir: string;
  format: DiagnosticFormat;
  maxErrors: number;
  now?: Date;
  failOnWarn?: boolean;
}

/**
 * Prints a check's diagnostics like printDiagnostics does, except that code frames show only the
 * text the loader read from inside the policy directory, never a fresh read of a path (which a
 * symbolic link could send to `/proc/self/environ`).
 */
export function printCheckDiagnostics(io: CliIo, result: CheckResult, format: DiagnosticFormat, maxErrors = DEFAULT_MAX_ERRORS): void {
  const text = formatDiagnostics(result.diagnostics, format, {
    color: useColor(io),
    readSource: (file) => result.sources.get(file),
    maxErrors,
  });
  if (text === '') return;
  if (format === 'human') io.stderr(text);
  else io.stdout(text);
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
        const result = await checkPolicyDir(flags.dir, flags.now === undefined ? { cwd: io.cwd } : { cwd: io.cwd, now: flags.now });
        printCheckDiagnostics(io, result, flags.format, flags.maxErrors);
        if (flags.format === 'human') {
          const documents =
            result.set.apis.length +
            result.set.policies.length +
            result.set.tokens.length +
            result.set.overrides.length +
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
