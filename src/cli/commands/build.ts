import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { BlastguardError } from '../../core/errors.js';
import { jsonSyntaxLocation } from '../../core/json.js';
import { escape } from '../../core/untrusted.js';
import { decodeUtf8 } from '../../load/text.js';
import type { DiagnosticFormat } from '../../diagnostics/format.js';
import { BUNDLE_CODES } from '../../bundle/codes.js';
import { DEFAULT_SIGNING_ALGORITHM } from '../../bundle/index.js';
import { formatBuilt } from '../../report/index.js';
import { buildPolicies, checkBuildOptions, parseSequence, signingAlgorithm, type SigningInput } from '../../toolchain/index.js';
import { UsageError, errnoText, flagName, printDiagnostics, type CliIo, type CommandModule } from '../command.js';

interface BuildOptions {
  dir: string;
  out: string;
  revision?: string;
  sequence?: string;
  format: DiagnosticFormat;
  signingKey?: string;
  signingKeyEnv?: string;
  signingAlg?: string;
  keyId?: string;
  scope?: string;
  claimsFile?: string;
}

/** The signing key and claims the flags name, read as values; undefined when not signing. */
async function signingFromFlags(options: BuildOptions, io: CliIo): Promise<SigningInput | undefined> {
  if (options.signingKey !== undefined && options.signingKeyEnv !== undefined) {
    throw new UsageError(BUNDLE_CODES.signingFlags, 'give either --signing-key or --signing-key-env, not both', {
      help: '--signing-key reads a file, --signing-key-env an environment variable; keep one',
    });
  }
  if (options.signingKey === undefined && options.signingKeyEnv === undefined) {
    const stray = (['signingAlg', 'keyId', 'scope', 'claimsFile'] as const).filter((k) => options[k] !== undefined);
    if (stray.length > 0) {
      throw new UsageError(BUNDLE_CODES.signingFlags, `${stray.map(flagName).join(', ')} given without a signing key; the bundle would not be signed`, {
        help: 'add --signing-key FILE or --signing-key-env VAR',
      });
    }
    return undefined;
  }
  // An unsupported algorithm is a usage error, found before any key is read.
  signingAlgorithm(options.signingAlg);
  let key: Uint8Array;
  let source: string;
  if (options.signingKeyEnv !== undefined) {
    source = `signing key from \`$${options.signingKeyEnv}\``;
    const value = io.env[options.signingKeyEnv];
    if (value === undefined || value === '') {
      throw new BlastguardError(BUNDLE_CODES.signingKeyUnreadable, `environment variable \`${options.signingKeyEnv}\` is not set or empty`, {
        help: 'export the PEM private key or HMAC secret in that variable',
      });
    }
    key = Buffer.from(value, 'utf8');
  } else {
    const file = options.signingKey!;
    source = `signing key \`${file}\``;
    try {
      key = await readFile(path.resolve(io.cwd, file));
    } catch (e) {
      throw new BlastguardError(BUNDLE_CODES.signingKeyUnreadable, `cannot read signing key \`${file}\`: ${errnoText(e)}`, {
        file,
        help: 'pass the PEM private key file (`signing-key.pem` from `blastguard keygen`), or --signing-key-env VAR',
        cause: e,
      });
    }
  }
  const input: SigningInput = { key, source };
  if (options.signingAlg !== undefined) input.alg = options.signingAlg;
  if (options.keyId !== undefined) input.keyId = options.keyId;
  if (options.scope !== undefined) input.scope = options.scope;
  if (options.claimsFile !== undefined) input.claims = await readClaims(options.claimsFile, io);
  return input;
}

async function readClaims(claimsFile: string, io: CliIo): Promise<Record<string, unknown>> {
  const shown = escape(claimsFile);
  const help = 'the claims file is a json object of extra jwt claims, e.g. `{"iss": "ci"}`';
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path.resolve(io.cwd, claimsFile));
  } catch (e) {
    throw new BlastguardError(BUNDLE_CODES.claimsFile, `cannot read claims file \`${shown}\`: ${errnoText(e)}`, { file: shown, help, cause: e });
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    throw new BlastguardError(BUNDLE_CODES.claimsFile, `claims file \`${shown}\` is not valid utf-8`, {
      file: shown,
      line: decoded.line,
      column: decoded.column,
      help: 'save the claims file as utf-8',
    });
  }
  // The strict reader locates a syntax error without quoting the file: JSON.parse's message
  // quotes it, and a file named by mistake may hold a credential or terminal escapes.
  const syntax = jsonSyntaxLocation(decoded.text);
  if (syntax !== undefined) {
    throw new BlastguardError(BUNDLE_CODES.claimsFile, `claims file \`${shown}\` is not valid json: ${syntax.reason}`, {
      file: shown,
      line: syntax.line,
      column: syntax.column,
      help,
    });
  }
  const parsed: unknown = JSON.parse(decoded.text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BlastguardError(BUNDLE_CODES.claimsFile, `claims file \`${shown}\` must hold a json object`, {
      file: shown,
      help: 'write the extra jwt claims as one json object, e.g. `{"iss": "ci"}`',
    });
  }
  return parsed as Record<string, unknown>;
}

export const buildCommand: CommandModule = {
  name: 'build',
  register(program: Command, io, setExit) {
    program
      .command('build')
      .description('Validate and compile policies into an OPA Wasm bundle (.tar.gz or directory), optionally signed')
      .option('--dir <dir>', 'policy directory', 'policies')
      .requiredOption('--out <path>', '`bundle.tar.gz` / `.tgz` for a bundle file, any other path for a bundle directory')
      .option('--revision <rev>', 'manifest revision (default: `git rev-parse HEAD` of the policy directory)')
      .option('--sequence <n>', '`metadata.sequence`, which enforcers order bundles by (they refuse a lower one as a rollback): a non-negative integer that grows with every published bundle, or `commit-time` (HEAD\'s committer time in seconds)')
      .addOption(new Option('--format <format>', 'diagnostics format').choices(['human', 'json', 'github']).default('human'))
      .option('--signing-key <file>', 'PEM private key (RS/PS/ES) or HMAC secret file (HS)')
      .option('--signing-key-env <var>', 'environment variable holding the PEM private key or HMAC secret')
      .option('--signing-alg <alg>', `RS256…RS512, PS256…PS512, ES256…ES512, HS256…HS512 (default ${DEFAULT_SIGNING_ALGORITHM})`)
      .option('--key-id <id>', 'key id for the JWT `kid` header (default `default` unless --claims-file)')
      .option('--scope <scope>', 'the `scope` claim verifiers may require')
      .option('--claims-file <file>', 'JSON object of extra JWT claims (as `opa build --claims-file`)')
      .action(async (options: BuildOptions) => {
        // Flags first, then the key, then the compile: a typo costs neither a key read nor a build.
        const sequence = options.sequence === undefined ? undefined : parseSequence(options.sequence);
        await checkBuildOptions({ dir: options.dir, out: options.out, cwd: io.cwd, revision: options.revision, keyId: options.keyId, scope: options.scope });
        const signing = await signingFromFlags(options, io);
        const result = await buildPolicies(
          {
            dir: options.dir,
            out: options.out,
            cwd: io.cwd,
            ...(options.revision === undefined ? {} : { revision: options.revision }),
            ...(sequence === undefined ? {} : { sequence }),
            ...(signing === undefined ? {} : { signing }),
          },
          {
            // Machine formats own stdout (json is printed even when empty, so scripts can always parse it); people read stderr.
            checked: (check) => printDiagnostics(io, check.diagnostics, options.format, check.sources),
            warning: (message) => io.stderr(`warning: ${message}\n`),
          },
        );
        if (result.bundle === null || result.written === null) {
          io.stderr(`error: policies in \`${options.dir}\` have ${result.check.errorCount} error(s); nothing was written\n`);
          setExit(1);
          return;
        }
        (options.format === 'json' ? io.stderr : io.stdout)(formatBuilt({ ...result.bundle, ...result.written }));
        setExit(0);
      });
  },
};
