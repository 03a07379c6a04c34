import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBlastguardError } from '../../src/core/errors.js';
import { formatDiagnostics } from '../../src/diagnostics/format.js';
import { formatBuilt, formatError, formatGithub } from '../../src/report/index.js';
import { UsageError, buildPolicies, checkBuildOptions, checkPolicies, parsePercent, runTests, type SigningInput } from '../../src/toolchain/index.js';

const COMMANDS = ['validate', 'test', 'build'] as const;
type ActionCommand = (typeof COMMANDS)[number];

/** Where the Action writes and what it runs in; `run()` takes the process's, tests pass their own. */
export interface ActionIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
}

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

const input = (name: string): string => core.getInput(name);

/** Diagnostics always as GitHub annotations, so failures land on the offending lines. */
function annotate(io: ActionIo, diagnostics: Parameters<typeof formatDiagnostics>[0]): void {
  const text = formatDiagnostics(diagnostics, 'github');
  if (text !== '') io.stdout(text);
}

async function validate(io: ActionIo): Promise<number> {
  const check = await checkPolicies({ dir: input('dir') || 'policies', cwd: io.cwd });
  annotate(io, check.diagnostics);
  return check.errorCount > 0 ? 1 : 0;
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

async function build(io: ActionIo): Promise<number> {
  const dir = input('dir') || 'policies';
  const out = input('out') || 'bundle.tar.gz';
  const revision = input('revision') || io.env['GITHUB_SHA'] || undefined;
  const secret = input('signing-key');
  const alg = input('signing-alg');
  const keyId = input('key-id');
  await checkBuildOptions({ dir, out, cwd: io.cwd, revision, keyId: keyId || undefined });
  let signing: SigningInput | undefined;
  if (secret) {
    // The secret is passed on as a value, never through the environment or a file.
    signing = { key: Buffer.from(secret, 'utf8'), source: 'signing key from input `signing-key`' };
    if (alg) signing.alg = alg;
    if (keyId) signing.keyId = keyId;
  } else if (alg || keyId) {
    const stray = [...(alg ? ['`signing-alg`'] : []), ...(keyId ? ['`key-id`'] : [])];
    throw new UsageError('BG255', `${stray.join(', ')} given without \`signing-key\`; the bundle would not be signed`, { help: 'add the `signing-key` input' });
  }
  const result = await buildPolicies(
    { dir, out, cwd: io.cwd, ...(revision === undefined ? {} : { revision }), ...(signing === undefined ? {} : { signing }) },
    { checked: (check) => annotate(io, check.diagnostics), warning: (message) => io.stderr(`warning: ${message}\n`) },
  );
  if (result.bundle === null || result.written === null) {
    io.stderr(`error: policies in \`${dir}\` have ${result.check.errorCount} error(s); nothing was written\n`);
    return 1;
  }
  io.stdout(formatBuilt({ ...result.bundle, ...result.written }));
  core.setOutput('bundle', result.written.out);
  if (result.written.sha256 !== undefined) core.setOutput('bundle-sha256', result.written.sha256);
  return 0;
}

const RUNNERS: Readonly<Record<ActionCommand, (io: ActionIo) => Promise<number>>> = { validate, test, build };

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
  const secret = input('signing-key');
  // A PEM spans lines and the runner masks line by line.
  if (secret) for (const line of secret.split(/\r?\n/)) if (line.trim()) core.setSecret(line.trim());
  useBundledRuntime();
  const code = await exitCodeOf(command, io);
  core.setOutput('exit-code', String(code));
  if (code !== 0) core.setFailed(`blastguard ${command} failed (exit code ${code})`);
}
