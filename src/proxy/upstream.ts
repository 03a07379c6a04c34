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

/** Hop-by-hop response headers (RFC 9110 §7.6.1): the proxy's own connection decides these. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * Sends the canonical request and streams the answer back as it arrives (server-sent events
 * included). An unreachable, resetting or failing-TLS upstream is a 502, a silent one a 504; a
 * client that goes away aborts the upstream call.
 */
export function forwardUpstream(forward: ForwardRequest, upstream: Upstream, res: ServerResponse, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const { origin } = upstream;
    const prefix = origin.pathname.replace(/\/+$/, '');
    const send = origin.protocol === 'https:' ? httpsRequest : httpRequest;
    const up = send({
      protocol: origin.protocol,
      hostname: origin.hostname.replace(/^\[|\]$/g, ''),
      port: origin.port === '' ? undefined : Number(origin.port),
      method: forward.method,
      path: `${prefix}${forward.path}`,
      headers: { ...forward.headers, host: origin.host },
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
      const headers: Record<string, string | string[]> = {};
      for (const [name, values] of Object.entries(answer.headersDistinct)) {
        if (values === undefined || HOP_BY_HOP.has(name)) continue;
        headers[name] = values.length === 1 ? values[0]! : values;
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
