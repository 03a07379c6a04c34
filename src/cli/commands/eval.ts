import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option } from 'commander';
import { BlastguardError } from '../../core/errors.js';
import { formatDiagnostics, type DiagnosticFormat } from '../../diagnostics/format.js';
import { buildIr } from '../../ir/build.js';
import { compileIr } from '../../compile/index.js';
import { loadDecisionEngine } from '../../compile/sdk.js';
import { checkPolicyDir } from '../../validate/index.js';
import { wasmForEntrypoint } from '../../bundle/index.js';
import { verifyBundle } from '../../verify/index.js';
import type { CliIo, CommandModule } from '../command.js';
import { sourceReader } from './build.js';
import {
  addVerificationOptions,
  errnoText,
  readBundleFromPath,
  rejected,
  verificationConfigFromFlags,
  type VerificationFlags,
} from './verify.js';

export const DECISION_ENTRYPOINT = 'blastguard/decision';
export const ALLOW_ENTRYPOINT = 'blastguard/allow';

interface EvalOptions extends VerificationFlags {
  dir?: string;
  bundle?: string;
  input: string;
  entrypoint: string;
  skipVerify?: boolean;
  format: DiagnosticFormat;
}

async function readInput(input: string, io: CliIo): Promise<unknown> {
  let text: string;
  if (input === '-') {
    text = await io.readStdin();
  } else {
    try {
      text = await readFile(path.resolve(io.cwd, input), 'utf8');
    } catch (e) {
      throw new BlastguardError('BG270', `cannot read input \`${input}\`: ${errnoText(e)}`, { file: input, cause: e });
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const where = input === '-' ? 'standard input' : `\`${input}\``;
    throw new BlastguardError('BG271', `input from ${where} is not valid json: ${e instanceof Error ? e.message.toLowerCase() : String(e)}`, {
      file: input === '-' ? undefined : input,
      help: 'the input is one decision input document (see schemas/decision-input.schema.json)',
      cause: e,
    });
  }
}

/** The module and data to evaluate: compiled from a policy directory, or taken from a bundle after its signature check. */
async function policyFrom(options: EvalOptions, io: CliIo, setExit: (code: number) => void): Promise<{ wasm: Uint8Array; data: unknown } | undefined> {
  if (options.bundle !== undefined) {
    const file = options.bundle;
    if (options.verificationKey !== undefined && options.skipVerify) {
      throw new BlastguardError('BG275', '--verification-key and --skip-verify contradict each other');
    }
    const config = options.verificationKey === undefined ? undefined : await verificationConfigFromFlags(options, io);
    const bundle = await readBundleFromPath(file, io);
    if (config !== undefined) {
      try {
        await verifyBundle(bundle, config);
      } catch (e) {
        throw rejected(file, e);
      }
    } else if (bundle.signatures !== null && !options.skipVerify) {
      throw new BlastguardError('BG273', `bundle \`${file}\` is signed but no --verification-key was given`, {
        help: 'pass --verification-key to check the signature, or --skip-verify to evaluate it unchecked',
      });
    } else if (bundle.signatures !== null) {
      io.stderr(`warning: bundle \`${file}\` is signed; its signature was not verified (--skip-verify)\n`);
    } else {
      io.stderr(`note: bundle \`${file}\` is not signed; nothing was verified\n`);
    }
    return { wasm: wasmForEntrypoint(bundle, options.entrypoint), data: bundle.data };
  }
  const dir = path.resolve(io.cwd, options.dir ?? 'policies');
  const checked = await checkPolicyDir(dir, { cwd: io.cwd });
  if (checked.errorCount > 0) {
    io.stderr(formatDiagnostics(checked.diagnostics, options.format, { color: io.isTTY, readSource: sourceReader(io) }));
    io.stderr(`error: policies in \`${options.dir ?? 'policies'}\` have ${checked.errorCount} error(s)\n`);
    setExit(1);
    return undefined;
  }
  const compiled = compileIr(buildIr(checked.set));
  return { wasm: compiled.wasm, data: compiled.data };
}

export const evalCommand: CommandModule = {
  name: 'eval',
  register(program, io, setExit) {
    const command = program
      .command('eval')
      .description('Evaluate one decision input through the compiled Wasm module (official OPA SDK) and print the result')
      .option('--dir <dir>', 'policy directory to compile (default `policies`)')
      .option('--bundle <file>', 'bundle `.tar.gz` or directory to evaluate instead')
      .requiredOption('--input <file>', 'decision input JSON file, or `-` for standard input')
      .option('--entrypoint <path>', `${DECISION_ENTRYPOINT} or ${ALLOW_ENTRYPOINT}`, DECISION_ENTRYPOINT)
      .option('--skip-verify', 'evaluate a signed bundle without checking its signature')
      .addOption(new Option('--format <format>', 'diagnostics format').choices(['human', 'json', 'github']).default('human'));
    addVerificationOptions(command, false).action(async (options: EvalOptions) => {
      if (options.dir !== undefined && options.bundle !== undefined) {
        throw new BlastguardError('BG275', 'give either --dir or --bundle, not both');
      }
      if (options.bundle === undefined && (options.verificationKey !== undefined || options.skipVerify)) {
        throw new BlastguardError('BG275', '--verification-key and --skip-verify apply to --bundle only');
      }
      if (options.entrypoint !== DECISION_ENTRYPOINT && options.entrypoint !== ALLOW_ENTRYPOINT) {
        throw new BlastguardError('BG272', `unknown entrypoint \`${options.entrypoint}\``, {
          help: `use \`${DECISION_ENTRYPOINT}\` (the decision) or \`${ALLOW_ENTRYPOINT}\` (its allow flag)`,
        });
      }
      // Read the input first: a typo in its path should not cost a compile.
      const input = await readInput(options.input, io);
      const policy = await policyFrom(options, io, setExit);
      if (policy === undefined) return;
      const engine = await loadDecisionEngine(policy.wasm, policy.data);
      const result = options.entrypoint === ALLOW_ENTRYPOINT ? engine.allow(input) : engine.decide(input);
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      setExit(0);
    });
  },
};
