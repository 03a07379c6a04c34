import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Option, type Command } from 'commander';
import { BlastguardError } from '../../core/errors.js';
import { formatDiagnostics, type DiagnosticFormat } from '../../diagnostics/format.js';
import { buildIr, irDigest } from '../../ir/build.js';
import { compileIr } from '../../compile/index.js';
import { checkPolicyDir } from '../../validate/index.js';
import {
  DATA_PATH,
  DEFAULT_SIGNING_ALGORITHM,
  MANIFEST_PATH,
  SIGNATURES_PATH,
  WASM_PATH,
  bundleFiles,
  packBundle,
  parseSigningAlgorithm,
  printable,
  type BundleContent,
  type BundleEntry,
} from '../../bundle/index.js';
import { loadSigningKey, signBundleFiles, type SigningOptions } from '../../sign/index.js';
import { UsageError, asUsage, checkFlagText, type CliIo, type CommandModule } from '../command.js';
import { errnoText } from './verify.js';
import { VERSION } from '../../core/version.js';

const run = promisify(execFile);

interface BuildOptions {
  dir: string;
  out: string;
  revision?: string;
  format: DiagnosticFormat;
  signingKey?: string;
  signingKeyEnv?: string;
  signingAlg?: string;
  keyId?: string;
  scope?: string;
  claimsFile?: string;
}

/** Source text for code frames; a file that cannot be read just gets no frame. */
export function sourceReader(io: CliIo): (file: string) => string | undefined {
  return (file) => {
    try {
      return readFileSync(path.resolve(io.cwd, file), 'utf8');
    } catch {
      return undefined;
    }
  };
}

/** `.tar.gz` / `.tgz` → one gzip tar; anything else → a bundle directory. */
export function isTarballPath(out: string): boolean {
  return /\.(tar\.gz|tgz)$/i.test(out);
}

/** Signing options from the flags, loaded before any compiling so a bad key fails fast; undefined when not signing. */
async function signingFromFlags(options: BuildOptions, io: CliIo): Promise<SigningOptions | undefined> {
  const hasKey = options.signingKey !== undefined || options.signingKeyEnv !== undefined;
  if (options.signingKey !== undefined && options.signingKeyEnv !== undefined) {
    throw new UsageError('BG255', 'give either --signing-key or --signing-key-env, not both', {
      help: '--signing-key reads a file, --signing-key-env an environment variable; keep one',
    });
  }
  if (!hasKey) {
    const stray = (['signingAlg', 'keyId', 'scope', 'claimsFile'] as const).filter((k) => options[k] !== undefined);
    if (stray.length > 0) {
      const flag = (k: string): string => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new UsageError('BG255', `${stray.map(flag).join(', ')} given without a signing key; the bundle would not be signed`, {
        help: 'add --signing-key FILE or --signing-key-env VAR',
      });
    }
    return undefined;
  }
  const alg = asUsage(() => parseSigningAlgorithm(options.signingAlg ?? DEFAULT_SIGNING_ALGORITHM, 'BG250'));
  let material: Uint8Array;
  let source: string;
  if (options.signingKeyEnv !== undefined) {
    source = `signing key from \`$${options.signingKeyEnv}\``;
    const value = io.env[options.signingKeyEnv];
    if (value === undefined || value === '') {
      throw new BlastguardError('BG254', `environment variable \`${options.signingKeyEnv}\` is not set or empty`, {
        help: 'export the PEM private key or HMAC secret in that variable',
      });
    }
    material = Buffer.from(value, 'utf8');
  } else {
    const file = options.signingKey!;
    source = `signing key \`${file}\``;
    try {
      material = await readFile(path.resolve(io.cwd, file));
    } catch (e) {
      throw new BlastguardError('BG254', `cannot read signing key \`${file}\`: ${errnoText(e)}`, {
        file,
        help: 'pass the PEM private key file (`signing-key.pem` from `blastguard keygen`), or --signing-key-env VAR',
        cause: e,
      });
    }
  }
  const key = loadSigningKey(material, alg, source);
  let claims: Record<string, unknown> | undefined;
  if (options.claimsFile !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path.resolve(io.cwd, options.claimsFile), 'utf8'));
    } catch (e) {
      throw new BlastguardError('BG253', `cannot read claims file \`${options.claimsFile}\`: ${errnoText(e)}`, {
        file: options.claimsFile,
        help: 'the claims file is a json object of extra jwt claims, e.g. `{"iss": "ci"}`',
        cause: e,
      });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new BlastguardError('BG253', `claims file \`${options.claimsFile}\` must hold a json object`, {
        file: options.claimsFile,
        help: 'write the extra jwt claims as one json object, e.g. `{"iss": "ci"}`',
      });
    }
    claims = parsed as Record<string, unknown>;
  }
  // `opa build` signs with key id `default` unless a claims file is given; we do the same.
  const keyId = options.keyId ?? (claims === undefined ? 'default' : undefined);
  return { key, keyId, scope: options.scope, claims };
}

/** `git rev-parse HEAD` of the policy directory; a warning when the directory has uncommitted changes. */
async function gitRevision(dir: string, io: CliIo): Promise<string> {
  let head: string;
  try {
    head = (await run('git', ['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
  } catch (e) {
    throw new BlastguardError('BG260', `cannot determine the bundle revision: \`${dir}\` is not in a git checkout with a commit`, {
      help: 'pass --revision (for example --revision "$GITHUB_SHA"); an empty revision is allowed with --revision ""',
      cause: e,
    });
  }
  try {
    const status = (await run('git', ['status', '--porcelain', '--', '.'], { cwd: dir })).stdout;
    if (status.trim() !== '') io.stderr(`warning: \`${dir}\` has uncommitted changes; revision ${head} does not describe them\n`);
  } catch {
    // The revision is known; a failing status only loses the warning.
  }
  return head;
}

/** The files a bundle directory written by `build` holds; nothing else may be in a directory we write into. */
const OUTPUT_FILES = new Set([DATA_PATH, WASM_PATH, MANIFEST_PATH, SIGNATURES_PATH]);
/** A temporary file `writeAtomically` left behind when a build was killed mid-write. */
const STALE_TEMP = /^\.(data\.json|policy\.wasm|\.manifest|\.signatures\.json)\.\d+\.[0-9a-f]{8}\.tmp$/;

/**
 * An existing `--out` directory must look like a bundle directory we wrote: only our four files,
 * as regular files. Anything else would end up in the bundle (unsigned, or as data), so the
 * directory is refused rather than silently mixed (BG262). Our own stale temporary files are removed.
 */
async function checkOutputDirectory(out: string, shown: string): Promise<void> {
  const foreign: string[] = [];
  for (const name of (await readdir(out)).sort()) {
    if (STALE_TEMP.test(name)) {
      await rm(path.join(out, name), { force: true });
      continue;
    }
    const info = await lstat(path.join(out, name));
    if (!OUTPUT_FILES.has(name) || !info.isFile()) foreign.push(info.isDirectory() ? `${name}/` : name);
  }
  if (foreign.length > 0) {
    const listed = foreign.slice(0, 5).map((f) => `\`${printable(f)}\``).join(', ') + (foreign.length > 5 ? ` and ${foreign.length - 5} more` : '');
    throw new BlastguardError('BG262', `\`${printable(shown)}\` is not a bundle directory blastguard wrote: it also holds ${listed}`, {
      help: 'every file in a bundle directory becomes part of the bundle; build into a new or empty directory, or remove those files (blastguard only replaces data.json, policy.wasm, .manifest and .signatures.json)',
    });
  }
}

/** Resolves symbolic links of the longest existing ancestor, so `out` and the policy directory compare as the same places. */
async function canonicalPath(p: string): Promise<string> {
  const rest: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(await realpath(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

function within(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * `--out` must name a bundle file or a bundle directory of its own: not empty, not the current
 * directory, and not the policy directory or anything inside or around it (a usage error, BG263).
 */
async function checkOutPath(options: BuildOptions, io: CliIo): Promise<void> {
  const help = 'name a bundle file (`--out bundle.tar.gz`) or a directory of its own (`--out bundle`), outside the policy directory';
  if (options.out.trim() === '') throw new UsageError('BG263', '--out must not be empty', { help });
  const out = await canonicalPath(path.resolve(io.cwd, options.out));
  const dir = await canonicalPath(path.resolve(io.cwd, options.dir));
  const cwd = await canonicalPath(path.resolve(io.cwd));
  if (out === cwd) throw new UsageError('BG263', `--out \`${printable(options.out)}\` is the current directory`, { help });
  if (within(out, dir)) {
    throw new UsageError('BG263', `--out \`${printable(options.out)}\` is ${out === dir ? 'the policy directory' : 'inside the policy directory'} \`${printable(options.dir)}\``, { help });
  }
  if (!isTarballPath(options.out) && within(dir, out)) {
    throw new UsageError('BG263', `--out \`${printable(options.out)}\` contains the policy directory \`${printable(options.dir)}\``, { help });
  }
}

/** Writes via a temporary sibling and a rename, so readers see the old file or the new one, never half of one. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, bytes, { mode: 0o644 });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

async function writeOutput(out: string, shown: string, files: readonly BundleEntry[], signatures: Uint8Array | undefined): Promise<Uint8Array | undefined> {
  if (isTarballPath(out)) {
    const bytes = packBundle(files, signatures);
    await mkdir(path.dirname(out), { recursive: true });
    await writeAtomically(out, bytes);
    return bytes;
  }
  const existing = await stat(out).catch(() => undefined);
  if (existing !== undefined && !existing.isDirectory()) {
    throw new BlastguardError('BG261', `\`${printable(shown)}\` exists and is not a directory`, {
      help: 'name the output `*.tar.gz` for a bundle file, or a directory for an unpacked bundle',
    });
  }
  if (existing !== undefined) await checkOutputDirectory(out, shown);
  await mkdir(out, { recursive: true });
  for (const f of files) await writeAtomically(path.join(out, f.path), f.bytes);
  if (signatures !== undefined) await writeAtomically(path.join(out, SIGNATURES_PATH), signatures);
  // A stale signature from an earlier signed build would no longer match the files.
  else await rm(path.join(out, SIGNATURES_PATH), { force: true });
  return undefined;
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
      .addOption(new Option('--format <format>', 'diagnostics format').choices(['human', 'json', 'github']).default('human'))
      .option('--signing-key <file>', 'PEM private key (RS/PS/ES) or HMAC secret file (HS)')
      .option('--signing-key-env <var>', 'environment variable holding the PEM private key or HMAC secret')
      .option('--signing-alg <alg>', `RS256…RS512, PS256…PS512, ES256…ES512, HS256…HS512 (default ${DEFAULT_SIGNING_ALGORITHM})`)
      .option('--key-id <id>', 'key id for the JWT `kid` header (default `default` unless --claims-file)')
      .option('--scope <scope>', 'the `scope` claim verifiers may require')
      .option('--claims-file <file>', 'JSON object of extra JWT claims (as `opa build --claims-file`)')
      .action(async (options: BuildOptions) => {
        await checkOutPath(options, io);
        checkFlagText('--revision', options.revision, 'BG264', { allowEmpty: true });
        checkFlagText('--key-id', options.keyId, 'BG264', {
          emptyHelp: 'leave --key-id out for key id `default` (as `opa build`); to sign without a key id, pass --claims-file',
        });
        checkFlagText('--scope', options.scope, 'BG264', { allowEmpty: true });
        const signing = await signingFromFlags(options, io);
        const dir = path.resolve(io.cwd, options.dir);
        const checked = await checkPolicyDir(dir, { cwd: io.cwd });
        // Machine formats own stdout (json is printed even when empty, so scripts can always parse it); people read stderr.
        if (checked.diagnostics.length > 0 || options.format === 'json') {
          const text = formatDiagnostics(checked.diagnostics, options.format, { color: io.isTTY, readSource: sourceReader(io) });
          (options.format === 'human' ? io.stderr : io.stdout)(text);
        }
        if (checked.errorCount > 0) {
          io.stderr(`error: policies in \`${options.dir}\` have ${checked.errorCount} error(s); nothing was written\n`);
          setExit(1);
          return;
        }
        const revision = options.revision ?? (await gitRevision(dir, io));
        const ir = buildIr(checked.set);
        const compiled = compileIr(ir);
        const content: BundleContent = {
          wasm: compiled.wasm,
          data: compiled.data,
          revision,
          entrypoints: compiled.entrypoints,
          metadata: { compiler: `blastguard ${VERSION}`, ir_digest: irDigest(ir) },
        };
        const files = bundleFiles(content);
        const signatures = signing === undefined ? undefined : await signBundleFiles(files, signing);
        const out = path.resolve(io.cwd, options.out);
        let bytes: Uint8Array | undefined;
        try {
          bytes = await writeOutput(out, options.out, files, signatures);
        } catch (e) {
          if (e instanceof BlastguardError) throw e;
          throw new BlastguardError('BG261', `cannot write bundle \`${printable(options.out)}\`: ${errnoText(e)}`, {
            help: 'check that the --out location is writable and has free space',
            cause: e,
          });
        }
        const signed = signing === undefined ? 'unsigned' : `signed ${signing.key.alg}${signing.keyId === undefined ? '' : ` key \`${signing.keyId}\``}`;
        const digest = bytes === undefined ? '' : `, sha256 ${createHash('sha256').update(bytes).digest('hex')}`;
        (options.format === 'json' ? io.stderr : io.stdout)(`built ${printable(options.out)}: revision ${revision === '' ? '(none)' : revision}, ${signed}${digest}\n`);
        setExit(0);
      });
  },
};
