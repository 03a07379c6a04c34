import { BlastguardError } from '../core/errors.js';
import { VERIFY_CODES } from './codes.js';

/** A compact JWS taken apart, strictly: unpadded base64url, JSON header and payload. Nothing is trusted yet. */
export interface DecodedJws {
  header: Readonly<Record<string, unknown>>;
  payload: SignaturePayload;
  /** `b64url(header) "." b64url(payload)`: the bytes the signature covers. */
  signingInput: Uint8Array;
  signature: Uint8Array;
}

export interface SignedFile {
  name: string;
  hash: string;
  algorithm: string;
}

/** The claims OPA decodes (`bundle.DecodedSignature`); others are ignored. */
export interface SignaturePayload {
  files: SignedFile[];
  keyid?: string;
  scope?: string;
  iat?: number;
  iss?: string;
}

function malformed(message: string): BlastguardError {
  return new BlastguardError(VERIFY_CODES.malformedJwt, `bundle signature is malformed: ${message}`, {
    help: 'the jwt in `.signatures.json` must be a compact jws with unpadded base64url parts',
  });
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** OPA decodes with Go's RawURLEncoding: no padding, no standard-alphabet characters, no stray bits. */
function decodePart(part: string, what: string): Buffer {
  if (!B64URL.test(part) || part.length % 4 === 1) throw malformed(`${what} is not unpadded base64url`);
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) throw malformed(`${what} is not canonical base64url`);
  return bytes;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw malformed(`${what} is not json`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(`${what} is not a json object`);
  return value as Record<string, unknown>;
}

export function decodeCompactJws(token: string): DecodedJws {
  if (typeof token !== 'string') throw malformed('the jwt is not a string');
  const parts = token.split('.');
  if (parts.length !== 3) throw malformed(`expected 3 dot-separated parts, got ${parts.length}`);
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJsonObject(decodePart(h, 'header'), 'header');
  const payloadJson = decodeJsonObject(decodePart(p, 'payload'), 'payload');
  const signature = decodePart(s, 'signature');
  if (typeof header.alg !== 'string') throw malformed('header has no `alg`');
  // We implement no JWS extensions; a critical one we do not understand must fail closed (RFC 7515 §4.1.11).
  if ('crit' in header) throw malformed('header has a `crit` parameter');
  if ('kid' in header && typeof header.kid !== 'string') throw malformed('header `kid` is not a string');
  return { header, payload: decodePayload(payloadJson), signingInput: Buffer.from(`${h}.${p}`, 'ascii'), signature };
}

function decodePayload(json: Record<string, unknown>): SignaturePayload {
  const files = json.files;
  if (!Array.isArray(files)) throw malformed('payload has no `files` array');
  const out: SignaturePayload = {
    files: files.map((f: unknown, i) => {
      if (typeof f !== 'object' || f === null) throw malformed(`payload \`files[${i}]\` is not an object`);
      const { name, hash, algorithm } = f as Record<string, unknown>;
      if (typeof name !== 'string' || typeof hash !== 'string' || (algorithm !== undefined && typeof algorithm !== 'string')) {
        throw malformed(`payload \`files[${i}]\` needs string \`name\`, \`hash\` and \`algorithm\``);
      }
      return { name, hash, algorithm: algorithm ?? '' };
    }),
  };
  for (const k of ['keyid', 'scope', 'iss'] as const) {
    const v = json[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw malformed(`payload \`${k}\` is not a string`);
    out[k] = v;
  }
  if (json.iat !== undefined && json.iat !== null) {
    if (!Number.isSafeInteger(json.iat)) throw malformed('payload `iat` is not an integer');
    out.iat = json.iat as number;
  }
  return out;
}
