import { BlastguardError, codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';

/**
 * Error codes BG719–BG739 and BG781: running the egress proxy (BG700–BG702 are the extraction codes of
 * forwarding, in `extract/codes.ts`). Upstream failures are answered to the client with these
 * codes in the body; configuration mistakes stop the proxy before it listens.
 */
const REGISTRY = codeRegistry({
  /** A proxy option is missing or malformed: an `--upstream` that is not `API=URL`, an undeclared api, a bad listen address. */
  invalidConfig: ['BG720', 'a proxy option is missing or malformed'],
  /** The proxy cannot listen on the address. */
  listenFailed: ['BG721', 'the proxy cannot listen on its address'],
  /** The upstream refused the connection, reset it or failed TLS verification: answered 502. */
  upstreamFailed: ['BG722', 'the upstream cannot be reached, reset the connection or failed TLS verification'],
  /** The upstream did not answer within the time-out: answered 504. */
  upstreamTimeout: ['BG723', 'the upstream did not answer in time'],
  /** The client did not send its request within the time-out: answered 408. */
  clientTimeout: ['BG724', 'the client did not send its request in time'],
  /** No verified bundle (or no api catalog) is active yet: answered 503, nothing forwarded. */
  notReady: ['BG725', 'no verified bundle and api catalog are active yet; nothing is forwarded'],
  /** The request names no api this proxy forwards to: answered 421. */
  noUpstream: ['BG726', 'the request names no api this proxy forwards to'],
  /**
   * The request was read as a call to another api than the upstream it would go to (a target or
   * `Host` naming another api's host): answered 421, nothing forwarded, so no credential meant
   * for one api reaches another.
   */
  apiMismatch: ['BG719', 'the request reads as a call to another api than its upstream'],
  /**
   * The host the request would be decided under reads otherwise than the host the upstream
   * receives (an S3 bucket named by a virtual-hosted client `Host` but not by the `--upstream`
   * host, or another bucket; an api none of whose hosts reads as the upstream's): answered 421,
   * nothing forwarded, so the upstream never executes another call than the one decided.
   */
  hostReadsOtherwise: ['BG733', 'the request\'s host reads otherwise than the host the upstream receives (e.g. an s3 bucket)'],
  /**
   * Reverse mode: an AWS SigV4 request signs a `Host` (`SignedHeaders` names `host`) other than the
   * one its upstream receives, so the upstream would refuse the signature: answered 421, nothing
   * forwarded. Forward mode (`--forward`) keeps the host the client signed.
   */
  signedHostChanged: ['BG737', 'an aws-signed request signs a `Host` its upstream would not receive'],
  /**
   * The request asks to switch to a WebSocket (`Upgrade: websocket`, e.g. GraphQL subscriptions
   * over `graphql-transport-ws`, Railway's build and deploy logs): the proxy relays no upgraded
   * connection, since it could decide none of the messages sent over it. Answered 501, nothing
   * decided or forwarded.
   */
  websocketNotRelayed: ['BG781', 'websocket upgrades are not relayed'],
});

export const PROXY_CODES = REGISTRY.codes;
export type ProxyCode = CodeOf<typeof PROXY_CODES>;
export const PROXY_CODE_TITLES = REGISTRY.titles;

export class ProxyError extends BlastguardError {
  declare readonly code: ProxyCode;
  constructor(code: ProxyCode, message: string, options: { help?: string; cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'ProxyError';
  }
}
