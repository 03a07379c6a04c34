// `blastguard proxy --forward` with real parts: the example policies signed into a bundle, an
// enforcer, the local CA, and api hosts overridden onto loopback upstreams. A client tunnels with
// CONNECT, trusts the local CA, and speaks HTTP/1.1 over the intercepted TLS.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { createEnforcer, type Enforcer } from '../../../src/enforce/index.js';
import type { Inventory } from '../../../src/extract/index.js';
import type { Decision } from '../../../src/ir/types.js';
import { createLocalCa, loadLocalCa } from '../../../src/proxy/forward/index.js';
import { startForwardMode } from '../../../src/proxy/forward-mode.js';
import { loadVerificationKey, singleKeyConfig } from '../../../src/verify/index.js';
import { signedPolicies } from '../support.js';

export interface ForwardRig {
  url: string;
  port: number;
  caPem: string;
  decided: { input: Record<string, unknown>; decision: Decision }[];
  /** Stops the proxy (with a grace in ms: drains first) and its enforcer. */
  close(graceMs?: number): Promise<void>;
}

/** `beforeDecide` runs before every decision (a test makes it throw to fail the handler). */
export async function startForwardRig(upstreams: { api: string; url: string }[], inventories?: ReadonlyMap<string, Inventory>, beforeDecide?: () => void): Promise<ForwardRig> {
  const signed = await signedPolicies();
  const dir = mkdtempSync(path.join(tmpdir(), 'bg-fw-rig-'));
  writeFileSync(path.join(dir, 'b.tar.gz'), await signed.bundle('r1', 1));
  const enforcer: Enforcer = createEnforcer({ source: path.join(dir, 'b.tar.gz'), verification: singleKeyConfig(loadVerificationKey(signed.verificationPem, 'ES256')), poll: false });
  await enforcer.refresh();
  const material = await createLocalCa({ days: 1 });
  const decided: ForwardRig['decided'] = [];
  const proxy = await startForwardMode({
    enforcer: {
      catalog: () => enforcer.catalog(),
      decide: (input, context) => {
        beforeDecide?.();
        const decision = enforcer.decide(input, context);
        decided.push({ input: input as Record<string, unknown>, decision });
        return decision;
      },
    },
    ca: await loadLocalCa(material),
    port: 0,
    upstreams,
    ...(inventories === undefined ? {} : { inventories }),
  });
  return {
    url: proxy.url,
    port: proxy.address()!.port,
    caPem: material.certPem,
    decided,
    close: async (graceMs) => {
      await proxy.close(graceMs);
      await enforcer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A CONNECT tunnel to `host:443`, TLS inside it trusting the local CA. */
export function tunnel(rig: ForwardRig, host: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: rig.port, method: 'CONNECT', path: `${host}:443`, headers: { host: `${host}:443` } });
    req.on('connect', (res, socket: Socket) => {
      if (res.statusCode !== 200) return reject(new Error(`CONNECT ${host}: ${res.statusCode}`));
      const tls = tlsConnect({ socket, servername: host, ca: rig.caPem });
      tls.once('secureConnect', () => resolve(tls));
      tls.once('error', reject);
      return undefined;
    });
    req.on('error', reject);
    req.end();
  });
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over a fresh tunnel to `host`. */
export async function through(rig: ForwardRig, host: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const stream = await tunnel(rig, host);
  return new Promise((resolve, reject) => {
    const headers = { host, connection: 'close', ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }), ...options.headers };
    const req = request({ createConnection: () => stream, path, method: options.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        stream.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
