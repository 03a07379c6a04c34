import { Command, CommanderError } from 'commander';
import { isBlastguardError } from '../core/errors.js';
import { formatError } from '../report/index.js';
import { BUNDLE_CODES } from '../bundle/codes.js';
import { UsageError, isUsageError, type CliIo } from './command.js';
import { COMMANDS } from './commands/index.js';
import { VERSION } from '../core/version.js';

export { VERSION };

/**
 * Flags whose empty value would silently mean something else: an empty path resolves to the
 * current directory (`--dir ""` would scan it), an empty filter matches everything. Flags with a
 * check of their own (`--out` BG263, `--input` BG270, `--verification-key` BG319) keep it.
 */
const NON_EMPTY_FLAGS = new Set(['dir', 'tests', 'junit', 'bundle', 'claimsFile', 'signingKey', 'fixture', 'step', 'base', 'head']);

/** One rule for every command: an empty value of one of those flags is a usage error. */
function refuseEmptyValues(command: Command): void {
  const options = command.opts<Record<string, unknown>>();
  for (const option of command.options) {
    const key = option.attributeName();
    if (NON_EMPTY_FLAGS.has(key) && options[key] === '') {
      throw new UsageError(BUNDLE_CODES.emptyFlag, `${option.long ?? key} must not be empty`, {
        help: `give ${option.long ?? key} a value, or leave it out${option.defaultValue === undefined ? '' : ` (default \`${String(option.defaultValue)}\`)`}`,
      });
    }
  }
}

/** Runs the CLI and resolves to the process exit code. Never throws for a user mistake. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('blastguard')
    .description('Policy-as-code guard rails for destructive API calls, compiled to OPA Wasm bundles.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');
  for (const command of COMMANDS) {
    command.register(program, io, (code) => {
      exitCode = code;
    });
  }
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program.hook('preAction', (_program, action) => refuseEmptyValues(action));
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      if (e.exitCode === 0) return 0;
      return 2;
    }
    if (isBlastguardError(e)) {
      // Every error gets a help line; the fallback points at the command's own help.
      const command = argv.find((a) => !a.startsWith('-'));
      io.stderr(formatError(e, `run \`blastguard ${command ?? ''}${command ? ' ' : ''}--help\` for the flags and examples`));
      // A usage error (contradictory or invalid flag values) exits 2, like an unknown flag.
      return isUsageError(e) ? 2 : 1;
    }
    const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    io.stderr(`internal error: blastguard failed unexpectedly; please report this with the output below\n${message}\n`);
    return 70;
  }
}
