import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ForwardRequest } from '../extract/index.js';
import { PROXY_CODES } from './codes.js';
import { sendProblem } from './denial.js';

/** Where one api's canonical requests go. */
export interface Upstream {
  /** The catalog api requests are read as (its `metadata.name`). */
  api: string;
  /** Scheme, host and port of the upstream; a path is prefixed to every forwarded path. */
  origin: URL;
  /** A keep-alive agent for this upstream (`upstreamAgent`); one per upstream keeps connections apart. */
  agent?: HttpAgent;
}

/** Keep-alive agent for an upstream; `ca` adds trust anchors (tests, a private CA), verification stays on. */
export function upstreamAgent(origin: URL, options: { ca?: string | Buffer; maxSockets?: number } = {}): HttpAgent {
  const common = { keepAlive: true, maxSockets: options.maxSockets ?? 256, maxFreeSockets: 64, scheduling: 'lifo' as const };
  return origin.protocol === 'https:' ? new HttpsAgent({ ...common, ...(options.ca === undefined ? {} : { ca: options.ca }) }) : new HttpAgent(common);
}

/** Where an upstream's requests go, worked out once per upstream rather than per request. */
interface Target {
  send: typeof httpRequest;
  protocol: string;
  hostname: string;
  port: number | undefined;
  host: string;
  prefix: string;
}

const targets = new WeakMap<Upstream, Target>();

function targetOf(upstream: Upstream): Target {
  let target = targets.get(upstream);
  if (target === undefined) {
    const { origin } = upstream;
    target = {
      send: origin.protocol === 'https:' ? httpsRequest : httpRequest,
      protocol: origin.protocol,
      hostname: origin.hostname.replace(/^\[|\]$/g, ''),
      port: origin.port === '' ? undefined : Number(origin.port),
      host: origin.host,
      prefix: origin.pathname.replace(/\/+$/, ''),
    };
    targets.set(upstream, target);
  }
  return target;
}

/** The host name (lowercase, no port or brackets) in the `Host` the upstream receives: what it reads the request under. */
export function forwardedHostname(upstream: Upstream): string {
  return targetOf(upstream).hostname.toLowerCase().replace(/\.$/, '');
}

/** Hop-by-hop response headers (RFC 9110 §7.6.1): the proxy's own connection decides these. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * Sends the canonical request and streams the answer back as it arrives (server-sent events
 * included). An unreachable, resetting or failing-TLS upstream is a 502, a silent one a 504; a
 * client that goes away aborts the upstream call.
 */
export function forwardUpstream(forward: ForwardRequest, upstream: Upstream, res: ServerResponse, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const target = targetOf(upstream);
    const up = target.send({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: forward.method,
      path: `${target.prefix}${forward.path}`,
      headers: { ...forward.headers, host: target.host },
      ...(upstream.agent === undefined ? {} : { agent: upstream.agent }),
      timeout: timeoutMs,
    });
    let answered = false;
    const fail = (status: number, code: string, detail: string): void => {
      if (!answered) {
        answered = true;
        sendProblem(res, status, code, detail);
      } else res.destroy();
      resolve();
    };
    up.on('timeout', () => {
      up.destroy();
      fail(504, PROXY_CODES.upstreamTimeout, `the upstream \`${upstream.api}\` sent nothing for ${timeoutMs} ms`);
    });
    up.on('error', (e: NodeJS.ErrnoException) => fail(502, PROXY_CODES.upstreamFailed, `the upstream \`${upstream.api}\` failed: ${e.code ?? 'error'}`));
    up.on('response', (answer: IncomingMessage) => {
      answered = true;
      // The raw name/value list as received (names in their case, repeats kept), less hop-by-hop ones.
      const raw = answer.rawHeaders;
      const headers: string[] = [];
      for (let i = 0; i + 1 < raw.length; i += 2) {
        if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) headers.push(raw[i]!, raw[i + 1]!);
      }
      const events = (answer.headers['content-type'] ?? '').startsWith('text/event-stream');
      // A stream of events may stay quiet longer than a response takes to start.
      if (events) up.setTimeout(0);
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
      // Events go out as they come; any other answer leaves with its first chunk (one write, not two).
      if (events) res.flushHeaders();
      answer.on('data', (chunk: Buffer) => {
        if (!res.write(chunk)) {
          answer.pause();
          res.once('drain', () => answer.resume());
        }
      });
      answer.on('end', () => {
        res.end();
        resolve();
      });
      answer.on('error', () => {
        res.destroy();
        resolve();
      });
      answer.on('aborted', () => {
        res.destroy();
        resolve();
      });
    });
    res.on('close', () => {
      if (!res.writableFinished) {
        up.destroy();
        resolve();
      }
    });
    up.end(forward.body);
  });
}
