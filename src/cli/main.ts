import { Command, CommanderError } from 'commander';
import { isBlastguardError } from '../core/errors.js';
import { formatError } from '../report/index.js';
import { isUsageError, type CliIo } from './command.js';
import { COMMANDS } from './commands/index.js';
import { VERSION } from '../core/version.js';

export { VERSION };

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
