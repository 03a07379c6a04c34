import { webcrypto } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import { serialNumber, type LocalCa } from './ca.js';
import { FORWARD_CODES, ForwardProxyError } from './codes.js';
import { x509 } from './x509.js';

export interface LeafOptions {
  /** How long a leaf certificate is valid (also never past the CA's own expiry). */
  validityMs: number;
  /** Hosts whose certificates are kept; the oldest is dropped beyond this. */
  maxEntries: number;
  now?: () => number;
}

interface Entry {
  context: Promise<SecureContext>;
  /** When to issue again: well before the certificate expires. */
  renewAt: number;
}

const SKEW_MS = 5 * 60_000;
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * Issues a TLS server certificate per intercepted host from the local CA, on first use, and keeps
 * it (as a ready secure context) until half its validity has passed. Each host gets its own fresh
 * ECDSA P-256 key, so one host's key never serves another's name. Concurrent handshakes for one
 * host share one issuance.
 */
export class LeafIssuer {
  readonly #ca: LocalCa;
  readonly #options: LeafOptions;
  readonly #entries = new Map<string, Entry>();

  constructor(ca: LocalCa, options: LeafOptions) {
    this.#ca = ca;
    this.#options = options;
  }

  /** The secure context presenting `host`'s certificate (chain: leaf, local CA). */
  context(host: string): Promise<SecureContext> {
    const now = this.#options.now?.() ?? Date.now();
    const cached = this.#entries.get(host);
    if (cached !== undefined && now < cached.renewAt) return cached.context;
    this.#entries.delete(host);
    const notAfter = Math.min(now + this.#options.validityMs, this.#ca.notAfter.getTime());
    if (this.#ca.notAfter.getTime() <= now) {
      return Promise.reject(new ForwardProxyError(FORWARD_CODES.issueFailed, `cannot issue a certificate for \`${host}\`: the local CA expires ${this.#ca.notAfter.toISOString()}`, {
        help: 'create a new CA with `blastguard proxy ca init --force` and trust it again in each client',
      }));
    }
    const context = this.#issue(host, now, notAfter);
    // A failed issuance is not cached: the next handshake tries again.
    context.catch(() => this.#entries.delete(host));
    this.#entries.set(host, { context, renewAt: now + (notAfter - now) / 2 });
    while (this.#entries.size > this.#options.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    return context;
  }

  async #issue(host: string, now: number, notAfter: number): Promise<SecureContext> {
    try {
      const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
      const certificate = await x509.X509CertificateGenerator.create({
        serialNumber: serialNumber(),
        subject: [{ CN: [host] }],
        issuer: this.#ca.certificate.subjectName,
        notBefore: new Date(now - SKEW_MS),
        notAfter: new Date(notAfter),
        publicKey: keys.publicKey,
        signingKey: this.#ca.signingKey,
        signingAlgorithm: this.#ca.signingAlgorithm,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: host }], false),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
          await x509.AuthorityKeyIdentifierExtension.create(this.#ca.certificate.publicKey),
        ],
      });
      const keyDer = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
      return createSecureContext({
        key: `-----BEGIN PRIVATE KEY-----\n${keyDer.toString('base64')}\n-----END PRIVATE KEY-----\n`,
        cert: `${certificate.toString('pem')}\n${this.#ca.certPem}`,
        minVersion: 'TLSv1.2',
      });
    } catch (e) {
      throw new ForwardProxyError(FORWARD_CODES.issueFailed, `cannot issue a certificate for \`${host}\`: ${(e as Error).message}`, { cause: e });
    }
  }
}
