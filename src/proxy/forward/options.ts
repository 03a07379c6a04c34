import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalCa } from './ca.js';
import { FORWARD_CODES, ForwardProxyError } from './codes.js';
import { dnsName, parseAuthority, type Authority } from './host.js';

/** Where an intercepted request was going: the host and port the client asked the proxy for. */
export interface ForwardTarget {
  host: string;
  port: number;
  scheme: 'https';
}

/**
 * Decides and forwards one decrypted request (the reverse proxy's handler). `req.url` is in
 * origin-form (`/path?query`) and the `Host` header agrees with `target`; the handler owns `res`.
 */
export type ForwardHandler = (req: IncomingMessage, res: ServerResponse, target: ForwardTarget) => void;

export interface ForwardLimits {
  /** Largest request head (request line and headers), bytes; beyond it the client gets 431. */
  maxHeaderSize: number;
  /** Time for a complete request head to arrive. */
  headersTimeoutMs: number;
  /** Time for a complete request (head and body) to arrive. */
  requestTimeoutMs: number;
  /** Time for the TLS handshake on an intercepted connection. */
  handshakeTimeoutMs: number;
  /** Idle time before a kept-alive connection or a blind tunnel is closed. */
  idleTimeoutMs: number;
  /** Time for an allowed tunnel's upstream to accept the connection. */
  connectTimeoutMs: number;
  /** Simultaneous client connections; more are refused by the listener. */
  maxConnections: number;
  /** Validity of a leaf certificate issued for an intercepted host. */
  leafValidityMs: number;
  /** Intercepted hosts whose certificates are kept in memory. */
  maxCachedCertificates: number;
}

export const DEFAULT_FORWARD_LIMITS: Readonly<ForwardLimits> = {
  maxHeaderSize: 16 * 1024,
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 300_000,
  handshakeTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  connectTimeoutMs: 10_000,
  maxConnections: 1024,
  leafValidityMs: 24 * 3_600_000,
  maxCachedCertificates: 1000,
};

export interface ForwardProxyOptions {
  /** The local CA issuing certificates for intercepted hosts (`readLocalCa`, `loadLocalCa`). */
  ca: LocalCa;
  /** The hosts of declared Apis: a list of names, or a predicate over the lowercased host name. */
  intercept: readonly string[] | ((host: string) => boolean);
  /** Hosts tunnelled blind (`host` for port 443, or `host:port`); an intercepted host is never tunnelled. */
  allowTunnel?: readonly string[];
  handler: ForwardHandler;
  /** Ports on which intercepted hosts are intercepted (CONNECT); any other port is refused. Default [443]. */
  interceptPorts?: readonly number[];
  /** Where a blind tunnel connects for the host and port asked; default: that host and port. */
  resolveTunnel?: (host: string, port: number) => Authority;
  limits?: Partial<ForwardLimits>;
  /** Told of each refusal and failure (the proxy answers the client itself). */
  onEvent?: (event: ForwardEvent) => void;
}

/** A refusal or failure, for logs and metrics. */
export interface ForwardEvent {
  code: string;
  message: string;
  host?: string;
}

/** The options checked, with defaults filled in. */
export interface ResolvedOptions {
  ca: LocalCa;
  intercepts: (host: string) => boolean;
  tunnels: ReadonlySet<string>;
  handler: ForwardHandler;
  interceptPorts: ReadonlySet<number>;
  resolveTunnel: (host: string, port: number) => Authority;
  limits: ForwardLimits;
  onEvent: (event: ForwardEvent) => void;
}

function invalid(message: string, help: string): ForwardProxyError {
  return new ForwardProxyError(FORWARD_CODES.invalidConfig, message, { help });
}

function port(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw invalid(`${what} \`${String(value)}\` is not a port`, 'use an integer from 1 to 65535');
  }
  return value;
}

/** Each option checked (a wrong one is BG740 naming it); nothing starts before this passes. */
export function resolveOptions(options: ForwardProxyOptions): ResolvedOptions {
  if (typeof options.ca?.signingKey !== 'object' || typeof options.ca.certPem !== 'string') {
    throw invalid('`ca` is not a local CA', 'load one with `readLocalCa(dir)` or `loadLocalCa({ keyPem, certPem })`');
  }
  if (typeof options.handler !== 'function') throw invalid('`handler` is not a function', 'pass the request handler that decides and forwards');
  let intercepts: (host: string) => boolean;
  if (typeof options.intercept === 'function') {
    intercepts = options.intercept;
  } else if (Array.isArray(options.intercept)) {
    const hosts = new Set<string>();
    for (const h of options.intercept as readonly unknown[]) {
      const name = typeof h === 'string' ? dnsName(h) : undefined;
      if (name === undefined) throw invalid(`intercepted host \`${String(h)}\` is not a DNS name`, 'list host names such as `api.github.com`; IP addresses are never intercepted');
      hosts.add(name);
    }
    intercepts = (host) => hosts.has(host);
  } else {
    throw invalid('`intercept` is neither a list of hosts nor a predicate', 'pass the hosts of the declared apis');
  }
  const tunnels = new Set<string>();
  for (const entry of options.allowTunnel ?? []) {
    const authority = typeof entry === 'string' ? parseAuthority(entry, 443) : undefined;
    if (authority === undefined) throw invalid(`tunnel \`${String(entry)}\` is not \`host\` or \`host:port\``, 'e.g. `registry.npmjs.org` (port 443) or `example.com:8443`');
    tunnels.add(`${authority.host}:${authority.port}`);
  }
  const interceptPorts = new Set((options.interceptPorts ?? [443]).map((p) => port(p, 'intercept port')));
  const limits = { ...DEFAULT_FORWARD_LIMITS };
  for (const [name, value] of Object.entries(options.limits ?? {})) {
    if (!(name in DEFAULT_FORWARD_LIMITS)) throw invalid(`unknown limit \`${name}\``, `limits are ${Object.keys(DEFAULT_FORWARD_LIMITS).join(', ')}`);
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw invalid(`limit \`${name}\` must be a positive integer, not \`${String(value)}\``, 'limits are counts, bytes or milliseconds');
    limits[name as keyof ForwardLimits] = value;
  }
  return {
    ca: options.ca,
    intercepts,
    tunnels,
    handler: options.handler,
    interceptPorts,
    resolveTunnel: options.resolveTunnel ?? ((host, p) => ({ host, port: p })),
    limits,
    onEvent: options.onEvent ?? (() => undefined),
  };
}
