import { execFile } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer, request as httpsRequest, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalCa, createForwardProxy, loadLocalCa, type ForwardProxy, type ForwardProxyOptions, type ForwardTarget } from '../../../src/proxy/forward/index.js';
import { x509 } from '../../../src/proxy/forward/x509.js';

export const API_HOST = 'api.blastguard.test';
export const TUNNEL_HOST = 'tunnel.blastguard.test';

/** What the upstream saw, and what the handler was given. */
export interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HandledRequest extends Seen {
  target: ForwardTarget;
}

/** A test CA of the upstream (not the proxy's) and a server certificate for both test hosts. */
async function upstreamMaterial(): Promise<{ caPem: string; keyPem: string; certPem: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=upstream test CA',
    keys: caKeys,
    signingAlgorithm: alg,
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(Date.now() + 86_400_000),
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=upstream',
    issuer: ca.subject,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: alg,
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(Date.now() + 86_400_000),
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: API_HOST }, { type: 'dns', value: TUNNEL_HOST }])],
  });
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { caPem: ca.toString('pem'), keyPem: `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`, certPem: cert.toString('pem') };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * An HTTPS upstream on 127.0.0.1 with its own test CA (echoing each request as JSON), a local CA
 * for the proxy, and a forward proxy whose handler passes requests through to the upstream,
 * trusting the upstream's CA. Everything listens on loopback only.
 */
export class Rig {
  upstream!: Server;
  upstreamPort = 0;
  upstreamCaPem = '';
  localCaPem = '';
  proxy!: ForwardProxy;
  proxyPort = 0;
  dir = '';
  /** Requests the upstream received. */
  readonly upstreamSeen: Seen[] = [];
  /** Requests the handler was given. */
  readonly handled: HandledRequest[] = [];
  readonly events: { code: string; message: string }[] = [];

  static async start(extra: Partial<ForwardProxyOptions> = {}): Promise<Rig> {
    const rig = new Rig();
    await rig.#start(extra);
    return rig;
  }

  async #start(extra: Partial<ForwardProxyOptions>): Promise<void> {
    this.dir = await mkdtemp(path.join(tmpdir(), 'blastguard-forward-'));
    const up = await upstreamMaterial();
    this.upstreamCaPem = up.caPem;
    this.upstream = createHttpsServer({ key: up.keyPem, cert: up.certPem }, (req, res) => {
      void readBody(req).then((body) => {
        const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        this.upstreamSeen.push(seen);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ upstream: true, ...seen }));
      });
    });
    await new Promise<void>((r) => this.upstream.listen(0, '127.0.0.1', r));
    this.upstreamPort = (this.upstream.address() as AddressInfo).port;
    const material = await createLocalCa({ days: 1, permittedHosts: ['blastguard.test'] });
    this.localCaPem = material.certPem;
    await writeFile(path.join(this.dir, 'local-ca.pem'), material.certPem);
    await writeFile(path.join(this.dir, 'upstream-ca.pem'), up.caPem);
    const ca = await loadLocalCa(material);
    this.proxy = createForwardProxy({
      ca,
      intercept: [API_HOST],
      allowTunnel: [TUNNEL_HOST],
      resolveTunnel: () => ({ host: '127.0.0.1', port: this.upstreamPort }),
      handler: (req, res, target) => this.#passThrough(req, res, target),
      onEvent: (e) => this.events.push(e),
      ...extra,
    });
    this.proxyPort = (await this.proxy.listen(0, '127.0.0.1')).port;
  }

  /** The test handler: records what it was given, then forwards it unchanged to the loopback upstream. */
  #passThrough(req: IncomingMessage, res: ServerResponse, target: ForwardTarget): void {
    void readBody(req).then((body) => {
      this.handled.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers }, body, target });
      const headers = { ...req.headers, 'content-length': String(Buffer.byteLength(body)) };
      delete headers['transfer-encoding'];
      const out = httpsRequest({ host: '127.0.0.1', port: this.upstreamPort, servername: target.host, ca: this.upstreamCaPem, method: req.method, path: req.url, headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  }

  get localCaFile(): string {
    return path.join(this.dir, 'local-ca.pem');
  }

  get upstreamCaFile(): string {
    return path.join(this.dir, 'upstream-ca.pem');
  }

  async stop(): Promise<void> {
    await this.proxy.close();
    this.upstream.closeAllConnections();
    await new Promise<void>((r) => this.upstream.close(() => r()));
    await rm(this.dir, { recursive: true, force: true });
  }
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A child process with exactly `env` (no proxy or CA variables of the runner leak in). */
export function run(file: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Whether a binary is on PATH. */
export async function has(binary: string): Promise<boolean> {
  return (await run('sh', ['-c', `command -v ${binary}`], {})).code === 0;
}
