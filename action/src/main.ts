import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBlastguardError } from '../../src/core/errors.js';
import { formatError, formatGithub } from '../../src/report/index.js';
import { UsageError, checkPolicies, parsePercent, runTests } from '../../src/toolchain/index.js';
import { build } from './build.js';
import { check } from './check.js';
import { comment } from './comment.js';
import { annotate, input, type ActionIo } from './io.js';
import { publish } from './publish.js';
import { report } from './report.js';

export type { ActionIo } from './io.js';

const COMMANDS = ['validate', 'test', 'build', 'check', 'publish', 'comment', 'report'] as const;
type ActionCommand = (typeof COMMANDS)[number];

function processIo(): ActionIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
  };
}

function isCommand(value: string): value is ActionCommand {
  return (COMMANDS as readonly string[]).includes(value);
}

/** The bundled action ships the compiled Wasm runtime next to itself (the repo's dist/ is not checked out). */
function useBundledRuntime(): void {
  if (process.env['BLASTGUARD_RUNTIME_WASM']) return;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bundled = path.join(here, 'blastguard-runtime.wasm');
  if (existsSync(bundled)) process.env['BLASTGUARD_RUNTIME_WASM'] = bundled;
}

async function validate(io: ActionIo): Promise<number> {
  const checked = await checkPolicies({ dir: input('dir') || 'policies', cwd: io.cwd });
  annotate(io, checked.diagnostics);
  return checked.errorCount > 0 ? 1 : 0;
}

async function test(io: ActionIo): Promise<number> {
  const text = input('min-coverage');
  const minCoverage = text ? parsePercent(text) : null;
  if (minCoverage === undefined) {
    io.stderr(`error: input \`min-coverage\` \`${text}\` must be a percentage from 0 to 100, e.g. 90\n`);
    return 2;
  }
  const report = await runTests({ dir: input('dir') || 'policies', tests: input('tests') || 'test', cwd: io.cwd, minCoverage });
  io.stdout(formatGithub(report));
  return report.ok ? 0 : 1;
}

const RUNNERS: Readonly<Record<ActionCommand, (io: ActionIo) => Promise<number>>> = { validate, test, build, check, publish, comment, report };

/** Runs one command, as the CLI would exit: 0 ok, 1 a failure, 2 a bad input, 70 a bug. */
async function exitCodeOf(command: ActionCommand, io: ActionIo): Promise<number> {
  try {
    return await RUNNERS[command](io);
  } catch (e) {
    if (isBlastguardError(e)) {
      io.stderr(formatError(e, `see the inputs of the blastguard action (\`${command}\`)`));
      return e instanceof UsageError ? 2 : 1;
    }
    io.stderr(`internal error: blastguard failed unexpectedly; please report this with the output below\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 70;
  }
}

export async function run(io: ActionIo = processIo()): Promise<void> {
  const command = input('command') || 'validate';
  if (!isCommand(command)) {
    core.setFailed(`unknown command \`${command}\`: use one of ${COMMANDS.join(', ')}`);
    return;
  }
  // A PEM spans lines and the runner masks line by line.
  for (const name of ['signing-key', 'github-token', 'oci-password']) {
    const secret = input(name);
    if (secret) for (const line of secret.split(/\r?\n/)) if (line.trim()) core.setSecret(line.trim());
  }
  useBundledRuntime();
  const code = await exitCodeOf(command, io);
  core.setOutput('exit-code', String(code));
  if (code !== 0) core.setFailed(`blastguard ${command} failed (exit code ${code})`);
}
