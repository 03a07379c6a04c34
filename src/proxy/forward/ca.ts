import { X509Certificate as NodeCertificate, createPrivateKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { FORWARD_CODES, ForwardProxyError } from './codes.js';
import { NAME_CONSTRAINTS_OID, nameConstraintsValue } from './name-constraints.js';
import { x509 } from './x509.js';

/** File names `proxy ca init` writes and `readLocalCa` reads. */
export const CA_KEY_FILE = 'ca-key.pem';
export const CA_CERT_FILE = 'ca-cert.pem';

/** A local CA ready to sign leaf certificates. */
export interface LocalCa {
  /** The CA certificate as PEM: what clients trust, and the end of every chain the proxy sends. */
  readonly certPem: string;
  readonly certificate: x509.X509Certificate;
  /** The CA's signing key, not extractable. */
  readonly signingKey: webcrypto.CryptoKey;
  readonly signingAlgorithm: { name: 'ECDSA'; hash: 'SHA-256' | 'SHA-384' };
  readonly notAfter: Date;
  /** The certificate's file, when it was read from one (for located errors). */
  readonly certFile?: string;
}

/** The two PEM texts of a new CA. */
export interface CaMaterial {
  keyPem: string;
  certPem: string;
}

export interface CreateCaOptions {
  /** Validity in days from `now` (the CA is also valid from one hour before, for clock skew). */
  days: number;
  /** DNS names (and their subdomains) the CA may sign for; empty: any DNS name. IP addresses never. */
  permittedHosts?: readonly string[];
  now?: Date;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const CURVE_HASH: Record<string, 'SHA-256' | 'SHA-384'> = { prime256v1: 'SHA-256', secp384r1: 'SHA-384' };
const CURVE_NAME: Record<string, 'P-256' | 'P-384'> = { prime256v1: 'P-256', secp384r1: 'P-384' };

/** A positive random 128-bit serial number, as hex (RFC 5280: positive, at most 20 octets). */
export function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A new ECDSA P-256 CA: basic constraints (CA, path length 0), keyCertSign/cRLSign, name constraints. */
export async function createLocalCa(options: CreateCaOptions): Promise<CaMaterial> {
  const now = options.now ?? new Date();
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const id = randomBytes(4).toString('hex');
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=blastguard local proxy CA ${id}, O=blastguard`,
    notBefore: new Date(now.getTime() - HOUR_MS),
    notAfter: new Date(now.getTime() + options.days * DAY_MS),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      new x509.Extension(NAME_CONSTRAINTS_OID, true, nameConstraintsValue(options.permittedHosts ?? [])),
    ],
  });
  return { keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), certPem: certificate.toString('pem') + '\n' };
}

export interface CaSource {
  keyPem: string;
  certPem: string;
  /** Where the texts came from, for error messages. */
  keyFile?: string;
  certFile?: string;
  now?: Date;
}

function parseKey(source: CaSource): KeyObject {
  const where = source.keyFile ?? 'the CA key';
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: source.keyPem, format: 'pem' });
  } catch (e) {
    throw new ForwardProxyError(FORWARD_CODES.caKeyUnreadable, `\`${where}\` is not a PEM private key`, {
      file: source.keyFile,
      help: 'pass the `ca-key.pem` written by `blastguard proxy ca init`',
      cause: e,
    });
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve === undefined || CURVE_HASH[curve] === undefined) {
    const kind = key.asymmetricKeyType === 'ec' ? `ec ${curve ?? 'unknown curve'}` : (key.asymmetricKeyType ?? 'unknown');
    throw new ForwardProxyError(FORWARD_CODES.caKeyType, `\`${where}\` is a \`${kind}\` key; the local CA key must be ECDSA P-256 or P-384`, {
      file: source.keyFile,
      help: 'create a CA with `blastguard proxy ca init --out DIR` (ECDSA P-256)',
    });
  }
  return key;
}

function parseCertificate(source: CaSource): NodeCertificate {
  const where = source.certFile ?? 'the CA certificate';
  try {
    if (!/-----BEGIN CERTIFICATE-----/.test(source.certPem)) throw new Error('no PEM certificate block');
    return new NodeCertificate(source.certPem);
  } catch (e) {
    throw new ForwardProxyError(FORWARD_CODES.caCertUnreadable, `\`${where}\` is not a PEM certificate`, {
      file: source.certFile,
      help: 'pass the `ca-cert.pem` written by `blastguard proxy ca init`',
      cause: e,
    });
  }
}

/** A CA from its PEM texts, checked: an ECDSA key, a CA certificate of that key, valid now. */
export async function loadLocalCa(source: CaSource): Promise<LocalCa> {
  const key = parseKey(source);
  const cert = parseCertificate(source);
  const where = source.certFile ?? 'the CA certificate';
  const certificate = new x509.X509Certificate(source.certPem);
  const basic = certificate.getExtension(x509.BasicConstraintsExtension);
  const usage = certificate.getExtension(x509.KeyUsagesExtension);
  if (!cert.ca || basic?.ca !== true || (usage !== null && (usage.usages & x509.KeyUsageFlags.keyCertSign) === 0)) {
    throw new ForwardProxyError(FORWARD_CODES.caCertNotCa, `\`${where}\` is not a CA certificate allowed to sign certificates`, {
      file: source.certFile,
      help: 'create a CA with `blastguard proxy ca init --out DIR`; a server certificate cannot issue others',
    });
  }
  if (!cert.checkPrivateKey(key)) {
    throw new ForwardProxyError(FORWARD_CODES.caKeyMismatch, `\`${source.keyFile ?? 'the CA key'}\` is not the key of \`${where}\``, {
      file: source.keyFile,
      help: 'pass the key and certificate written together by `blastguard proxy ca init`',
    });
  }
  const now = source.now ?? new Date();
  if (now < certificate.notBefore || now >= certificate.notAfter) {
    throw new ForwardProxyError(FORWARD_CODES.caExpired, `\`${where}\` is valid from ${certificate.notBefore.toISOString()} to ${certificate.notAfter.toISOString()}, not now`, {
      file: source.certFile,
      help: 'create a new CA with `blastguard proxy ca init --out DIR --force` and trust it again in each client',
    });
  }
  const curve = key.asymmetricKeyDetails!.namedCurve!;
  const signingKey = await webcrypto.subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), { name: 'ECDSA', namedCurve: CURVE_NAME[curve]! }, false, ['sign']);
  const certPem = source.certPem.endsWith('\n') ? source.certPem : `${source.certPem}\n`;
  return {
    certPem,
    certificate,
    signingKey,
    signingAlgorithm: { name: 'ECDSA', hash: CURVE_HASH[curve]! },
    notAfter: certificate.notAfter,
    ...(source.certFile === undefined ? {} : { certFile: source.certFile }),
  };
}

/** The CA in `dir` (`ca-key.pem`, `ca-cert.pem`), read and checked as `loadLocalCa` does. */
export async function readLocalCa(dir: string, now?: Date): Promise<LocalCa> {
  const keyFile = path.join(dir, CA_KEY_FILE);
  const certFile = path.join(dir, CA_CERT_FILE);
  const read = async (file: string, code: typeof FORWARD_CODES.caKeyUnreadable | typeof FORWARD_CODES.caCertUnreadable): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      const errno = (e as { code?: unknown }).code;
      const why = errno === 'ENOENT' ? 'it does not exist' : errno === 'EACCES' ? 'permission denied' : errno === 'EISDIR' ? 'it is a directory' : 'it cannot be read';
      throw new ForwardProxyError(code, `cannot read \`${file}\`: ${why}`, {
        file,
        help: 'create the CA with `blastguard proxy ca init --out DIR` and pass that directory',
        cause: e,
      });
    }
  };
  await checkKeyMode(keyFile);
  const keyPem = await read(keyFile, FORWARD_CODES.caKeyUnreadable);
  const certPem = await read(certFile, FORWARD_CODES.caCertUnreadable);
  return loadLocalCa({ keyPem, certPem, keyFile, certFile, ...(now === undefined ? {} : { now }) });
}

/**
 * Refuses a CA key file that its group or others may read (or write), as ssh refuses such a
 * private key: anyone who can read it can mint certificates every client of the proxy trusts.
 * Windows has no such mode bits, so it is not checked there.
 */
async function checkKeyMode(file: string): Promise<void> {
  if (process.platform === 'win32') return;
  let mode: number;
  try {
    const handle = await open(file, 'r');
    try {
      mode = (await handle.stat()).mode;
    } finally {
      await handle.close();
    }
  } catch {
    // Not readable at all: the read that follows reports why, with its own code.
    return;
  }
  if ((mode & 0o077) !== 0) {
    throw new ForwardProxyError(FORWARD_CODES.caKeyPermissions, `\`${file}\` has mode ${(mode & 0o777).toString(8).padStart(4, '0')}: the CA key must not be readable by group or others`, {
      file,
      help: `run \`chmod 600 ${file}\``,
    });
  }
}
