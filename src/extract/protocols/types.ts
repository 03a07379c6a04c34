import type { IrApi } from '../../ir/types.js';
import type { MessageTraceContext } from '../../identity/index.js';
import type { NormalizedRequest } from '../request.js';
import type { ForwardLimits } from '../types.js';

/** The wire protocols an API speaks, as its catalog declares. */
export type Protocol = IrApi['protocol'];

/** An operation found in the request, before it becomes a decision input. */
export interface FoundOperation {
  name: string;
  type: string;
  args: Readonly<Record<string, unknown>>;
  alias?: string;
  /** Trace context carried in the message itself (MCP `params._meta`), used when the headers carry none. */
  meta?: MessageTraceContext;
}

/** One message of a request (a batch element), read when called: its operations, or a failure for it alone. */
export type Message = () => FoundOperation[];

/**
 * How one wire protocol names the operations in a request. Each implementation opens by quoting
 * the wire format it reads. It throws `ExtractFailure` (through `fail`) for anything that does not
 * read one way, and nothing else: `messages` when the request as a whole is unreadable, a message
 * when that message is.
 */
export interface ProtocolExtractor {
  readonly protocol: Protocol;
  /** The request's messages, in request order. */
  messages(request: NormalizedRequest, api: IrApi): readonly Message[];
  /**
   * The request written back the one way this protocol reads it, for the egress proxy to forward
   * instead of the bytes it parsed. Protocols without their own writer use `canonicalHttp`.
   */
  canonical?(request: NormalizedRequest, api: IrApi, limits: ForwardLimits): CanonicalMessage;
  /**
   * The protocol never reads the body: it is data the upstream stores (an S3 object), bounded but
   * never decoded, and forwarded byte for byte under the caller's `Content-Type` and `Content-Encoding`.
   */
  readonly bodyIsData?: boolean;
}

/** A request's method, target and body as they are forwarded; headers are the caller's, cleaned. */
export interface CanonicalMessage {
  method: string;
  /** Path and query, origin-form, every parameter encoded once; no fragment. */
  target: string;
  /** The `Content-Type` to send, null without a body. */
  contentType: string | null;
  /**
   * The caller's `Content-Encoding`, sent as is: only with a body the protocol never reads
   * (`bodyIsData`), or with the gzip body of an AWS-signed request sent as compressed (aws-compressed.ts).
   */
  contentEncoding?: string;
  /**
   * Headers the protocol wrote from what was decided (S3 `x-amz-copy-source`), sent in place of the
   * caller's of the same lowercase name.
   */
  headers?: Readonly<Record<string, string>>;
  /** Text is sent as UTF-8; bytes as they are (the original body, when it reads exactly as decided). */
  body: string | Uint8Array;
  /**
   * The messages of the request as written, built from the structure that was written instead of
   * by reading `body` back (what `messages` of the written request finds, at less cost). Without
   * it the proxy reads the written request back.
   */
  decided?: readonly Message[];
}
