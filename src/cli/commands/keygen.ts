import { generateKeyPair, randomBytes } from 'node:crypto';
import { access, chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { escape } from '../../core/untrusted.js';
import { BlastguardError } from '../../core/errors.js';
import { DEFAULT_SIGNING_ALGORITHM, algorithmFamily, algorithmHashBytes, parseSigningAlgorithm, type SigningAlgorithm } from '../../bundle/index.js';
import { UsageError, asUsage, errnoText, type CommandModule } from '../command.js';
import { BUNDLE_CODES } from '../../bundle/codes.js';

export const SIGNING_KEY_FILE = 'signing-key.pem';
export const VERIFICATION_KEY_FILE = 'verification-key.pem';
export const SECRET_FILE = 'hmac-secret.key';

const CURVES: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** Key material as files: PEM PKCS#8 + SPKI for key pairs, a random printable secret for HMAC. */
async function material(alg: SigningAlgorithm): Promise<Record<string, string>> {
  const family = algorithmFamily(alg);
  if (family === 'HS') {
    // Twice the digest size in random bytes, base64url without newline: OPA uses the file's bytes as the secret.
    return { [SECRET_FILE]: randomBytes(algorithmHashBytes(alg) * 2).toString('base64url') };
  }
  const encoding = { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } } as const;
  const pair = await new Promise<{ publicKey: string; privateKey: string }>((resolve, reject) => {
    const done = (err: Error | null, publicKey: string, privateKey: string): void => (err ? reject(err) : resolve({ publicKey, privateKey }));
    if (family === 'ES') generateKeyPair('ec', { namedCurve: CURVES[alg]!, ...encoding }, done);
    else generateKeyPair('rsa', { modulusLength: alg.endsWith('512') ? 4096 : 3072, ...encoding }, done);
  });
  return { [SIGNING_KEY_FILE]: pair.privateKey, [VERIFICATION_KEY_FILE]: pair.publicKey };
}

interface KeygenOptions {
  alg: string;
  out: string;
}

export const keygenCommand: CommandModule = {
  name: 'keygen',
  register(program, io, setExit) {
    program
      .command('keygen')
      .description('Generate a bundle signing key pair (RS/PS/ES) or HMAC secret (HS); never overwrites')
      .option('--alg <alg>', 'RS256…RS512, PS256…PS512, ES256…ES512 or HS256…HS512', DEFAULT_SIGNING_ALGORITHM)
      .requiredOption('--out <dir>', 'directory for the key files (created if missing)')
      .action(async (options: KeygenOptions) => {
        const alg = asUsage(() => parseSigningAlgorithm(options.alg, BUNDLE_CODES.unsupportedKeygenAlgorithm));
        if (options.out.trim() === '') {
          throw new UsageError(BUNDLE_CODES.keyFilesUnwritable, '--out must not be empty', { help: 'name a directory for the key files, e.g. `--out keys`' });
        }
        const dir = path.resolve(io.cwd, options.out);
        // Kernel filesystems never hold key files, and a recursive mkdir under /proc does not return.
        if (/^\/(?:proc|sys)(?:\/|$)/.test(dir)) {
          throw new BlastguardError(BUNDLE_CODES.keyFilesUnwritable, `cannot write keys to \`${escape(options.out)}\`: it is under /proc or /sys`, {
            help: 'choose a --out directory on a real filesystem, e.g. `--out keys`',
          });
        }
        const existing = await stat(dir).catch(() => undefined);
        if (existing !== undefined && !existing.isDirectory()) {
          throw new BlastguardError(BUNDLE_CODES.keyFilesUnwritable, `cannot write keys to \`${options.out}\`: it exists and is not a directory`, {
            help: 'name a directory for --out; keygen creates it when it does not exist',
          });
        }
        const files = await material(alg);
        for (const name of Object.keys(files)) {
          const exists = await access(path.join(dir, name)).then(
            () => true,
            () => false,
          );
          if (exists) {
            throw new BlastguardError(BUNDLE_CODES.keyFileExists, `\`${path.join(options.out, name)}\` already exists; keygen never overwrites keys`, {
              help: 'choose another --out directory, or move the old keys away first',
            });
          }
        }
        try {
          await mkdir(dir, { recursive: true, mode: 0o700 });
          for (const [name, text] of Object.entries(files)) {
            const file = path.join(dir, name);
            // `wx` fails if the file appeared meanwhile; chmod because the umask may have narrowed nothing but widened nothing either.
            await writeFile(file, text, { flag: 'wx', mode: 0o600 });
            await chmod(file, 0o600);
          }
        } catch (e) {
          const code = (e as { code?: unknown }).code;
          if (code === 'EEXIST') {
            // A key file appeared between the check and the write: still never overwritten.
            throw new BlastguardError(BUNDLE_CODES.keyFileExists, `a key file in \`${options.out}\` appeared while keygen ran; nothing was overwritten`, {
              help: 'choose another --out directory, or move the old keys away first',
              cause: e,
            });
          }
          const why = code === 'ENOTDIR' ? 'a part of the path is not a directory' : errnoText(e);
          throw new BlastguardError(BUNDLE_CODES.keyFilesUnwritable, `cannot write keys to \`${options.out}\`: ${why}`, {
            help: 'choose a --out directory you can write to; keygen creates it (mode 0700) when missing',
            cause: e,
          });
        }
        const shown = (name: string): string => path.join(options.out, name);
        const algFlag = alg === DEFAULT_SIGNING_ALGORITHM ? '' : ` --signing-alg ${alg}`;
        if (algorithmFamily(alg) === 'HS') {
          io.stdout(`wrote ${alg} secret ${shown(SECRET_FILE)} (mode 0600); it both signs and verifies, keep it secret\n`);
          io.stdout(`  sign:   blastguard build --out bundle.tar.gz --signing-key ${shown(SECRET_FILE)}${algFlag}\n`);
          io.stdout(`  verify: blastguard verify bundle.tar.gz --verification-key ${shown(SECRET_FILE)}${algFlag}\n`);
        } else {
          io.stdout(`wrote ${alg} key pair: ${shown(SIGNING_KEY_FILE)} (private, keep it secret) and ${shown(VERIFICATION_KEY_FILE)} (public)\n`);
          io.stdout(`  sign:   blastguard build --out bundle.tar.gz --signing-key ${shown(SIGNING_KEY_FILE)}${algFlag}\n`);
          io.stdout(`  verify: blastguard verify bundle.tar.gz --verification-key ${shown(VERIFICATION_KEY_FILE)}${algFlag}\n`);
        }
        setExit(0);
      });
  },
};
