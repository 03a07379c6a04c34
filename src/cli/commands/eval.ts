import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option } from 'commander';
import { BlastguardError, isBlastguardError } from '../../core/errors.js';
import type { DiagnosticFormat } from '../../diagnostics/format.js';
import { compileIr } from '../../compile/index.js';
import { ALLOW_ENTRYPOINT, DECISION_ENTRYPOINT, loadDecisionEngine } from '../../engine/index.js';
import { printable, wasmForEntrypoint } from '../../bundle/index.js';
import { jsonSyntaxLocation } from '../../core/json.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { checkPolicies } from '../../toolchain/index.js';
import { verifyBundle } from '../../verify/index.js';
import { UsageError, errnoText, flagName, printDiagnostics, type CliIo, type CommandModule } from '../command.js';
import {
  addVerificationOptions,
  checkVerificationFlags,
  readBundleFromPath,
  rejected,
  verificationConfigFromFlags,
  type VerificationFlags,
} from '../verification.js';
import { BUNDLE_CODES } from '../../bundle/codes.js';
import { ENGINE_CODES } from '../../engine/codes.js';

interface EvalOptions extends VerificationFlags {
  dir?: string;
  bundle?: string;
  input: string;
  entrypoint: string;
  skipVerify?: boolean;
  format: DiagnosticFormat;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The input exactly as a host would send it: the file's (or stdin's) bytes, checked to be UTF-8
 * and JSON, then passed to the module unchanged. Parsing and re-serialising would change what the
 * module sees (`1.0` becomes `1`, invalid UTF-8 becomes U+FFFD), so `eval` could accept an input
 * the module itself rejects.
 */
async function readInput(input: string, io: CliIo): Promise<{ bytes: ArrayBuffer } | { syntax: Diagnostic; text: string }> {
  const where = input === '-' ? 'standard input' : `\`${input}\``;
  const file = input === '-' ? undefined : input;
  let bytes: Uint8Array;
  if (input === '-') {
    bytes = io.readStdinBytes !== undefined ? await io.readStdinBytes() : Buffer.from(await io.readStdin(), 'utf8');
  } else {
    try {
      bytes = await readFile(path.resolve(io.cwd, input));
    } catch (e) {
      throw new BlastguardError(BUNDLE_CODES.evalInputUnreadable, `cannot read input \`${input}\`: ${errnoText(e)}`, {
        file: input,
        help: 'pass the path of a decision input json file, or `--input -` to read standard input',
        cause: e,
      });
    }
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch (e) {
    throw new BlastguardError(BUNDLE_CODES.evalInputUtf8, `input from ${where} is not valid utf-8`, {
      file,
      help: 'save the input as utf-8; the policy module aborts on invalid utf-8, which an enforcer treats as deny',
      cause: e,
    });
  }
  try {
    JSON.parse(text);
  } catch {
    return { syntax: jsonSyntaxDiagnostic(input === '-' ? STDIN : input, where, text), text };
  }
  // An exact copy: a Buffer from readFile may be a view into a larger pooled ArrayBuffer.
  return { bytes: Uint8Array.from(bytes).buffer };
}

/** How diagnostics name standard input. */
const STDIN = '<stdin>';

/**
 * A JSON syntax error located at `line:column`, like every other located problem (so it gets a
 * code frame). `JSON.parse` only sometimes says where; the strict bundle reader always does.
 */
function jsonSyntaxDiagnostic(file: string, where: string, text: string): Diagnostic {
  // JSON.parse's own message quotes the input; the strict reader's never does.
  const { line, column, reason } = jsonSyntaxLocation(text) ?? { line: 1, column: 1, reason: 'refused by the json parser' };
  return diagnostic(BUNDLE_CODES.evalInputJson, `input from ${where} is not valid json: ${reason}`, { file, line, column, endLine: line, endColumn: column + 1 }, INPUT_HELP);
}

const INPUT_HELP = 'the input is one decision input document (see schemas/decision-input.schema.json)';

/** The module and data to evaluate: compiled from a policy directory, or taken from a bundle after its signature check. */
async function policyFrom(options: EvalOptions, io: CliIo, setExit: (code: number) => void): Promise<{ wasm: Uint8Array; data: unknown } | undefined> {
  if (options.bundle !== undefined) {
    const file = options.bundle;
    const config = options.verificationKey === undefined ? undefined : await verificationConfigFromFlags(options, io);
    const bundle = await readBundleFromPath(file, io);
    if (config !== undefined) {
      try {
        await verifyBundle(bundle, config);
      } catch (e) {
        throw rejected(file, e);
      }
    } else if (bundle.signatures !== null && !options.skipVerify) {
      throw new BlastguardError(BUNDLE_CODES.unverifiedSignedBundle, `bundle \`${file}\` is signed but no --verification-key was given`, {
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
  const checked = await checkPolicies({ dir, cwd: io.cwd });
  if (checked.ir === null) {
    printDiagnostics(io, checked.diagnostics, options.format, checked.sources);
    io.stderr(`error: policies in \`${options.dir ?? 'policies'}\` have ${checked.errorCount} error(s)\n`);
    setExit(1);
    return undefined;
  }
  const compiled = compileIr(checked.ir);
  return { wasm: compiled.wasm, data: compiled.data };
}

/** Contradictory or invalid flags are usage errors (exit 2), found before anything is read. */
function checkEvalFlags(options: EvalOptions): void {
  if (options.dir !== undefined && options.bundle !== undefined) {
    throw new UsageError(BUNDLE_CODES.evalFlags, 'give either --dir or --bundle, not both', {
      help: '--dir compiles the policies, --bundle evaluates a built bundle; pick one',
    });
  }
  const verificationFlags = (['keyId', 'signingAlg', 'scope', 'excludeFiles'] as const).filter((k) => options[k] !== undefined).map(flagName);
  if (options.bundle === undefined) {
    const stray = [...(options.verificationKey !== undefined ? ['--verification-key'] : []), ...(options.skipVerify ? ['--skip-verify'] : []), ...verificationFlags];
    if (stray.length > 0) {
      throw new UsageError(BUNDLE_CODES.evalFlags, `${stray.join(', ')} apply to --bundle only`, {
        help: 'a policy directory (--dir) is compiled, not verified; add --bundle FILE to evaluate a signed bundle',
      });
    }
  } else if (options.verificationKey !== undefined && options.skipVerify) {
    throw new UsageError(BUNDLE_CODES.evalFlags, '--verification-key and --skip-verify contradict each other', {
      help: 'keep --verification-key to check the signature, or --skip-verify to evaluate the bundle unchecked, not both',
    });
  } else if (options.verificationKey === undefined && verificationFlags.length > 0) {
    throw new UsageError(BUNDLE_CODES.evalFlags, `${verificationFlags.join(', ')} given without --verification-key; nothing would be verified with ${verificationFlags.length === 1 ? 'it' : 'them'}`, {
      help: 'add --verification-key FILE',
    });
  }
  if (options.entrypoint !== DECISION_ENTRYPOINT && options.entrypoint !== ALLOW_ENTRYPOINT) {
    throw new UsageError(BUNDLE_CODES.unknownEntrypoint, `unknown entrypoint \`${printable(options.entrypoint)}\``, {
      help: `use \`${DECISION_ENTRYPOINT}\` (the decision) or \`${ALLOW_ENTRYPOINT}\` (its allow flag)`,
    });
  }
  if (options.input === '') throw new UsageError(BUNDLE_CODES.evalInputUnreadable, '--input must not be empty', { help: 'pass a json file, or `-` for standard input' });
  if (options.verificationKey !== undefined) checkVerificationFlags(options);
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
      checkEvalFlags(options);
      // Read the input first: a typo in its path should not cost a compile.
      const read = await readInput(options.input, io);
      if ('syntax' in read) {
        printDiagnostics(io, [read.syntax], options.format, new Map([[read.syntax.file, read.text]]));
        setExit(1);
        return;
      }
      const input = read.bytes;
      const policy = await policyFrom(options, io, setExit);
      if (policy === undefined) return;
      const engine = await loadDecisionEngine(policy.wasm, policy.data);
      let result: unknown;
      try {
        // The raw bytes as an ArrayBuffer: the SDK writes them into the module's memory unchanged.
        result = options.entrypoint === ALLOW_ENTRYPOINT ? engine.allow(input) : engine.decide(input);
      } catch (e) {
        if (isBlastguardError(e) && e.code === ENGINE_CODES.policyAborted) {
          throw new BlastguardError(ENGINE_CODES.policyAborted, e.message, {
            help: 'the module aborted on this input (e.g. a lone `\\u` surrogate escape); an enforcer treats an abort as deny, so this call would be denied',
            cause: e,
          });
        }
        throw e;
      }
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      setExit(0);
    });
  },
};
