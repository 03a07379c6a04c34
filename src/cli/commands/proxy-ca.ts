import { X509Certificate, randomBytes } from 'node:crypto';
import { access, chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { escape } from '../../core/untrusted.js';
import { CA_CERT_FILE, CA_KEY_FILE, FORWARD_CODES, ForwardProxyError, createLocalCa, dnsName } from '../../proxy/forward/index.js';
import { UsageError, errnoText, parseCount, type CliIo, type CommandModule } from '../command.js';

const MAX_DAYS = 3650;

interface InitOptions {
  out: string;
  days: number;
  permit?: string[];
  force?: boolean;
}

/** How each kind of client is told to trust the CA: the lines `ca init` prints (and the README shows). */
export function trustInstructions(certFile: string): string {
  return [
    `trust ${certFile} in each client that goes through the forward proxy (HTTPS_PROXY=http://127.0.0.1:PORT):`,
    `  curl:          curl --cacert ${certFile} …   or   CURL_CA_BUNDLE=${certFile}`,
    `  Node.js:       NODE_EXTRA_CA_CERTS=${certFile}`,
    `  Python:        REQUESTS_CA_BUNDLE=${certFile} (requests)   or   SSL_CERT_FILE=${certFile} (urllib, httpx)`,
    `  AWS CLI, boto3: AWS_CA_BUNDLE=${certFile} (they ignore REQUESTS_CA_BUNDLE and SSL_CERT_FILE)`,
    `  Go, gh:        SSL_CERT_FILE=${certFile} (Linux)`,
    `  Debian system: sudo cp ${certFile} /usr/local/share/ca-certificates/blastguard-proxy.crt && sudo update-ca-certificates`,
    `SSL_CERT_FILE, REQUESTS_CA_BUNDLE, AWS_CA_BUNDLE and curl --cacert replace the system roots: for tunnelled hosts, point them at the system bundle with the CA appended.`,
  ].join('\n');
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Writes both files next to their final names first, then renames: a failure leaves no half CA. */
async function writeCa(dir: string, files: Record<string, { text: string; mode: number }>, force: boolean): Promise<void> {
  const staged: [string, string][] = [];
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const [name, { text, mode }] of Object.entries(files)) {
      const final = path.join(dir, name);
      const temp = `${final}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temp, text, { flag: 'wx', mode });
      // The umask may have narrowed the mode; the key must be exactly 0600 whatever it was.
      await chmod(temp, mode);
      staged.push([temp, final]);
    }
    if (!force) {
      for (const [, final] of staged) {
        if (await exists(final)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
      }
    }
    for (const [temp, final] of staged) await rename(temp, final);
  } catch (e) {
    await Promise.all(staged.map(([temp]) => rm(temp, { force: true })));
    throw e;
  }
}

/**
 * Registers `ca init` under `proxy` (the forward proxy's local CA). Exported on its own so that the
 * `proxy` command, wherever it is defined, attaches the group with one call.
 */
export function registerProxyCa(proxy: Command, io: CliIo, setExit: (code: number) => void): void {
  const ca = proxy.command('ca').description('The local CA that issues certificates for intercepted hosts in forward-proxy mode');
  ca.command('init')
    .description('Create the local CA (ECDSA P-256 key, mode 0600, and certificate); never overwrites without --force')
    .requiredOption('--out <dir>', `directory for ${CA_KEY_FILE} and ${CA_CERT_FILE} (created, mode 0700, if missing)`)
    .option('--days <n>', `validity of the CA in days (1-${MAX_DAYS})`, parseCount, 365)
    .option('--permit <host...>', 'name constraints: the CA may sign only for these DNS names and their subdomains (default: any DNS name; IP addresses never)')
    .option('--force', 'replace an existing CA in --out (clients must trust the new one)')
    .action(async (options: InitOptions) => {
      if (options.days < 1 || options.days > MAX_DAYS) {
        throw new UsageError(FORWARD_CODES.caInitUsage, `--days \`${options.days}\` is out of range`, { help: `give 1 to ${MAX_DAYS} days; a short-lived CA limits what a leaked key can do` });
      }
      const permitted = (options.permit ?? []).map((host) => {
        const name = dnsName(host);
        if (name === undefined) {
          throw new UsageError(FORWARD_CODES.caInitUsage, `--permit \`${escape(host)}\` is not a DNS name`, { help: 'name the api hosts (or their parent domains), e.g. `--permit api.github.com backboard.railway.app`' });
        }
        return name;
      });
      if (options.out.trim() === '') {
        throw new UsageError(FORWARD_CODES.caInitUsage, '--out must not be empty', { help: 'name a directory for the CA files, e.g. `--out .blastguard/ca`' });
      }
      const dir = path.resolve(io.cwd, options.out);
      const shown = (name: string): string => path.join(options.out, name);
      const existing = await stat(dir).catch(() => undefined);
      if (existing !== undefined && !existing.isDirectory()) {
        throw new ForwardProxyError(FORWARD_CODES.caFilesUnwritable, `cannot write the CA to \`${escape(options.out)}\`: it exists and is not a directory`, { help: 'name a directory for --out; it is created when missing' });
      }
      if (options.force !== true) {
        for (const name of [CA_KEY_FILE, CA_CERT_FILE]) {
          if (await exists(path.join(dir, name))) {
            throw new ForwardProxyError(FORWARD_CODES.caFilesExist, `\`${escape(shown(name))}\` already exists; \`proxy ca init\` does not replace a CA clients may trust`, {
              help: 'pass --force to replace it (then trust the new CA in every client), or choose another --out',
            });
          }
        }
      }
      const material = await createLocalCa({ days: options.days, permittedHosts: permitted });
      try {
        await writeCa(dir, { [CA_KEY_FILE]: { text: material.keyPem, mode: 0o600 }, [CA_CERT_FILE]: { text: material.certPem, mode: 0o644 } }, options.force === true);
      } catch (e) {
        if ((e as { code?: unknown }).code === 'EEXIST') {
          throw new ForwardProxyError(FORWARD_CODES.caFilesExist, `a CA file in \`${escape(options.out)}\` appeared while \`proxy ca init\` ran; nothing was replaced`, { help: 'pass --force to replace it, or choose another --out', cause: e });
        }
        throw new ForwardProxyError(FORWARD_CODES.caFilesUnwritable, `cannot write the CA to \`${escape(options.out)}\`: ${errnoText(e)}`, { help: 'choose an --out directory you can write to', cause: e });
      }
      const cert = new X509Certificate(material.certPem);
      io.stdout(`wrote ${shown(CA_KEY_FILE)} (private, mode 0600, keep it secret) and ${shown(CA_CERT_FILE)}\n`);
      io.stdout(`  subject: ${cert.subject.replace(/\n/g, ', ')}\n  valid until: ${new Date(cert.validTo).toISOString()}\n  sha-256: ${cert.fingerprint256}\n`);
      io.stdout(`  signs for: ${permitted.length === 0 ? 'any DNS name (no IP addresses)' : permitted.map((h) => `${h} and its subdomains`).join(', ')}\n`);
      io.stdout(`${trustInstructions(shown(CA_CERT_FILE))}\n`);
      setExit(0);
    });
}

/**
 * `blastguard proxy ca init`: attaches the `ca` group to the `proxy` command when one is already
 * registered (list this module after it in COMMANDS), else creates `proxy` to hold it. Commander
 * checks a parent's mandatory options before running a subcommand, so `proxy` must check its own
 * required flags in its action rather than with `requiredOption`, or `proxy ca init` would demand them.
 */
export const proxyCaCommand: CommandModule = {
  name: 'proxy ca',
  register(program, io, setExit) {
    const proxy = program.commands.find((c) => c.name() === 'proxy') ?? program.command('proxy').description('The egress proxy in front of declared apis (forward-proxy CA: `proxy ca init`)');
    registerProxyCa(proxy, io, setExit);
  },
};
