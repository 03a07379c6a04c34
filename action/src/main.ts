import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/command.js';

const COMMANDS = ['validate', 'test', 'build'] as const;
type ActionCommand = (typeof COMMANDS)[number];
const SIGNING_KEY_ENV = 'BLASTGUARD_ACTION_SIGNING_KEY';

/** The argv for the CLI: diagnostics always as GitHub annotations, so failures land on the lines. */
export function argvFor(command: ActionCommand, input: (name: string) => string, env: Record<string, string | undefined>): string[] {
  const argv: string[] = [command, '--dir', input('dir') || 'policies', '--format', 'github'];
  if (command === 'test') {
    argv.push('--tests', input('tests') || 'test');
    if (input('min-coverage')) argv.push('--min-coverage', input('min-coverage'));
  }
  if (command === 'build') {
    argv.push('--out', input('out') || 'bundle.tar.gz');
    const revision = input('revision') || env['GITHUB_SHA'];
    if (revision) argv.push('--revision', revision);
    if (input('signing-key')) argv.push('--signing-key-env', SIGNING_KEY_ENV);
    if (input('signing-alg')) argv.push('--signing-alg', input('signing-alg'));
    if (input('key-id')) argv.push('--key-id', input('key-id'));
  }
  return argv;
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

export async function run(): Promise<void> {
  const command = core.getInput('command') || 'validate';
  if (!isCommand(command)) {
    core.setFailed(`unknown command \`${command}\`: use one of ${COMMANDS.join(', ')}`);
    return;
  }
  const signingKey = core.getInput('signing-key');
  if (signingKey) {
    // A PEM spans lines and the runner masks line by line.
    for (const line of signingKey.split(/\r?\n/)) if (line.trim()) core.setSecret(line.trim());
    process.env[SIGNING_KEY_ENV] = signingKey;
  }
  useBundledRuntime();
  const io: CliIo = {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    readStdin: async () => '',
    cwd: process.cwd(),
    env: process.env,
    isTTY: false,
  };
  const code = await main(argvFor(command, (n) => core.getInput(n), process.env), io);
  core.setOutput('exit-code', String(code));
  if (command === 'build' && code === 0) {
    const out = core.getInput('out') || 'bundle.tar.gz';
    core.setOutput('bundle', out);
    if (existsSync(out) && statSync(out).isFile()) {
      core.setOutput('bundle-sha256', createHash('sha256').update(readFileSync(out)).digest('hex'));
    }
  }
  if (code !== 0) core.setFailed(`blastguard ${command} failed (exit code ${code})`);
}
