import { Command, CommanderError } from 'commander';
import { isBlastguardError } from '../core/errors.js';
import { formatError } from '../report/index.js';
import { BUNDLE_CODES } from '../bundle/codes.js';
import { escape } from '../core/untrusted.js';
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

/** Flags with a control-character check of their own (BG264, BG322), which keeps its code. */
const OWN_TEXT_CHECK = new Set(['revision', 'keyId', 'scope']);

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * One rule for every command: an empty value of one of those flags is a usage error, and so is a
 * control character in any flag value or argument, echoed escaped. Every message that quotes a
 * path, a name or an algorithm the user typed can then show it as typed without letting a
 * terminal escape (`--dir $'x\e[2J'`) or a newline forge output.
 */
function refuseEmptyValues(command: Command): void {
  const options = command.opts<Record<string, unknown>>();
  for (const option of command.options) {
    const key = option.attributeName();
    const value = options[key];
    if (typeof value === 'string' && !OWN_TEXT_CHECK.has(key) && CONTROL.test(value)) {
      throw new UsageError(BUNDLE_CODES.controlCharacterInFlag, `${option.long ?? key} \`${escape(value)}\` contains a control character`, {
        help: 'flag values are echoed in messages and written into files; use printable characters only',
      });
    }
    if (NON_EMPTY_FLAGS.has(key) && options[key] === '') {
      throw new UsageError(BUNDLE_CODES.emptyFlag, `${option.long ?? key} must not be empty`, {
        help: `give ${option.long ?? key} a value, or leave it out${option.defaultValue === undefined ? '' : ` (default \`${String(option.defaultValue)}\`)`}`,
      });
    }
  }
  command.registeredArguments.forEach((argument, i) => {
    const value: unknown = command.processedArgs[i];
    if (typeof value === 'string' && CONTROL.test(value)) {
      throw new UsageError(BUNDLE_CODES.controlCharacterInFlag, `<${argument.name()}> \`${escape(value)}\` contains a control character`, {
        help: 'arguments are echoed in messages; use printable characters only',
      });
    }
  });
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
