import { createHash } from 'node:crypto';
import { printable } from '../bundle/index.js';
import { DISTRIBUTE_CODES, DistributeError, HTTPError } from './codes.js';
import { authorizationValue, requireSecureUrl, type Credentials } from './config.js';
import type { OciReference } from './oci-reference.js';
import { SHA256_DIGEST } from './oci-reference.js';
import { showUrl, type HttpRequest, type HttpResponse, type Transport } from './transport.js';

/**
 * A minimal client of the OCI distribution API (`/v2/<name>/manifests|blobs`), modelled on
 * sigstore-js `packages/oci/src/registry.ts`: what pulling and pushing one bundle needs, no more.
 * Auth follows the registry's `WWW-Authenticate` challenge: `Bearer realm=…,service=…,scope=…`
 * (token fetched anonymously or with basic credentials) or `Basic`.
 */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
/** The one layer type OPA reads a bundle from (`oci_download.go`). */
export const OCI_BUNDLE_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
/** Manifests are small JSON documents; anything near this is not a manifest. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** A token response is a small JSON object. */
const MAX_TOKEN_BYTES = 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface RegistryOptions {
  credentials?: Credentials;
  /** Talk http instead of https: loopback registries only (tests, a local mirror). */
  plainHttp?: boolean;
  transport: Transport;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** `Bearer realm="…",service="…"` → scheme + parameters (RFC 7235 auth-params; quoted or token values). */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } | undefined {
  return parseChallenges(header)[0];
}

/**
 * Every challenge of a `WWW-Authenticate` value: fetch joins repeated headers with ", ", so
 * `Bearer realm="…",service="…", Basic realm="…"` is two challenges, split where a new scheme
 * starts (a token followed by a space, not by `=`), each with its own parameters.
 */
export function parseChallenges(header: string): { scheme: string; params: Record<string, string> }[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  const item = /\s*(?:([A-Za-z0-9_.~+-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))|([A-Za-z][A-Za-z0-9._~+-]*)(?=\s|,|$))\s*,?/gy;
  let m: RegExpExecArray | null;
  while (item.lastIndex < header.length && (m = item.exec(header)) !== null) {
    if (m[0] === '') break;
    if (m[4] !== undefined) {
      challenges.push({ scheme: m[4].toLowerCase(), params: {} });
      continue;
    }
    const current = challenges[challenges.length - 1];
    // A parameter of the challenge it follows; one before any scheme belongs to none.
    if (current !== undefined && current.params[m[1]!.toLowerCase()] === undefined) current.params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return challenges;
}

export class RegistryClient {
  readonly base: string;
  private readonly origin: string;
  private authorization: string | undefined;
  private readonly tokens = new Map<string, string>();

  constructor(
    readonly ref: OciReference,
    private readonly options: RegistryOptions,
  ) {
    const url = new URL(`${options.plainHttp === true ? 'http' : 'https'}://${ref.registry}/v2/`);
    requireSecureUrl('source.reference', url);
    this.base = url.href;
    this.origin = url.origin;
  }

  private url(kind: 'manifests' | 'blobs', reference: string): string {
    return `${this.base}${this.ref.repository}/${kind}/${reference}`;
  }

  /** Sends with the current authorization; on 401 answers the challenge once and resends. */
  async send(request: HttpRequest, actions: 'pull' | 'pull,push'): Promise<HttpResponse> {
    const accept = [...(request.accept ?? []), 401];
    const attempt = (): Promise<HttpResponse> =>
      this.options.transport.send({
        ...request,
        accept,
        ...(this.authorization === undefined ? {} : { authorization: { origin: this.origin, value: this.authorization } }),
      });
    let response = await attempt();
    if (response.status !== 401) return response;
    await this.answerChallenge(response, actions);
    response = await attempt();
    if (response.status === 401) {
      throw new HTTPError(401, response.url, `registry \`${this.ref.registry}\` refused the credentials for \`${printable(this.ref.repository)}\``, {
        code: DISTRIBUTE_CODES.unauthorized,
        help: `check the credentials grant ${actions} on the repository`,
      });
    }
    return response;
  }

  private async answerChallenge(response: HttpResponse, actions: string): Promise<void> {
    const header = response.headers.get('www-authenticate') ?? '';
    // Several challenges: answer Bearer when offered (a token scoped to the repository), else the first.
    const challenges = parseChallenges(header);
    const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges[0];
    const credentials = this.options.credentials;
    if (challenge?.scheme === 'basic') {
      if (credentials?.basic === undefined) throw this.needsCredentials('basic');
      this.authorization = authorizationValue(credentials);
      return;
    }
    if (challenge?.scheme !== 'bearer') {
      if (credentials?.bearer !== undefined) {
        this.authorization = authorizationValue(credentials);
        return;
      }
      throw new DistributeError(DISTRIBUTE_CODES.unauthorized, `registry \`${this.ref.registry}\` requires authentication with an unsupported challenge \`${printable(header || 'none')}\``, {
        help: 'blastguard answers `Bearer` (token) and `Basic` challenges',
      });
    }
    // A configured bearer token is a registry token already (e.g. a GitHub token for ghcr.io): send it as is.
    if (credentials?.bearer !== undefined && challenge.params['realm'] === undefined) {
      this.authorization = authorizationValue(credentials);
      return;
    }
    const realm = challenge.params['realm'];
    if (realm === undefined || realm === '') throw new DistributeError(DISTRIBUTE_CODES.tokenFailed, `registry \`${this.ref.registry}\` sent a bearer challenge without a realm`, { help: 'the registry is misconfigured' });
    const scope = challenge.params['scope'] ?? `repository:${this.ref.repository}:${actions}`;
    const cached = this.tokens.get(scope);
    if (cached !== undefined && `Bearer ${cached}` !== this.authorization) {
      this.authorization = `Bearer ${cached}`;
      return;
    }
    const token = await this.fetchToken(realm, challenge.params['service'], scope);
    this.tokens.set(scope, token);
    this.authorization = `Bearer ${token}`;
  }

  private async fetchToken(realm: string, service: string | undefined, scope: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new DistributeError(DISTRIBUTE_CODES.tokenFailed, `registry token realm \`${printable(realm)}\` is not a url`, { help: 'the registry is misconfigured' });
    }
    requireSecureUrl('token realm', url);
    if (service !== undefined) url.searchParams.set('service', service);
    url.searchParams.set('scope', scope);
    const credentials = this.options.credentials;
    let response: HttpResponse;
    try {
      response = await this.options.transport.send({
        url: url.href,
        headers: { accept: 'application/json' },
        maxBytes: MAX_TOKEN_BYTES,
        ...(credentials === undefined ? {} : { authorization: { origin: url.origin, value: authorizationValue(credentials) } }),
      });
    } catch (e) {
      if (e instanceof HTTPError && (e.status === 401 || e.status === 403)) throw this.needsCredentials('bearer', e);
      throw e;
    }
    let token: unknown;
    try {
      const body = JSON.parse(Buffer.from(response.body).toString('utf8')) as Record<string, unknown>;
      token = body['token'] ?? body['access_token'];
    } catch {
      token = undefined;
    }
    // A token goes into a header: anything but visible ASCII would be refused by fetch or smuggle a header.
    if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
      throw new DistributeError(DISTRIBUTE_CODES.tokenFailed, `token endpoint \`${showUrl(url.href)}\` answered without a usable token`, { help: 'the token endpoint must answer `{"token": "…"}`' });
    }
    return token;
  }

  private needsCredentials(kind: string, cause?: unknown): DistributeError {
    return new DistributeError(DISTRIBUTE_CODES.unauthorized, `registry \`${this.ref.registry}\` requires ${kind} authentication for \`${printable(this.ref.repository)}\``, {
      help: 'configure credentials for this source (basic username and password, or a bearer token)',
      ...(cause === undefined ? {} : { cause }),
    });
  }

  /** GETs a manifest or index by tag or digest, checking its bytes against every digest that names it. */
  async getManifest(reference: string, signal?: AbortSignal): Promise<{ mediaType: string; bytes: Uint8Array; digest: string }> {
    const response = await this.send(
      {
        url: this.url('manifests', reference),
        headers: { accept: `${OCI_MANIFEST}, ${OCI_INDEX}` },
        maxBytes: MAX_MANIFEST_BYTES,
        ...(signal === undefined ? {} : { signal }),
      },
      'pull',
    );
    const digest = sha256Digest(response.body);
    const announced = response.headers.get('docker-content-digest');
    for (const [what, expected] of [
      ['the reference', SHA256_DIGEST.test(reference) ? reference : undefined],
      ['the registry', announced !== null && announced.startsWith('sha256:') ? announced : undefined],
    ] as const) {
      if (expected !== undefined && expected !== digest) {
        throw new DistributeError(DISTRIBUTE_CODES.digestMismatch, `manifest \`${printable(reference)}\` has digest ${digest}, but ${what} says \`${printable(expected)}\``, {
          help: 'the registry or something between it and here altered the manifest',
        });
      }
    }
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    return { mediaType: type, bytes: response.body, digest };
  }

  /** GETs a blob and checks its size and sha256 against the descriptor before anyone reads it. */
  async getBlob(descriptor: Descriptor, signal?: AbortSignal): Promise<Uint8Array> {
    const response = await this.send(
      { url: this.url('blobs', descriptor.digest), maxBytes: descriptor.size, ...(signal === undefined ? {} : { signal }) },
      'pull',
    );
    const digest = sha256Digest(response.body);
    if (response.body.byteLength !== descriptor.size || digest !== descriptor.digest) {
      throw new DistributeError(
        DISTRIBUTE_CODES.digestMismatch,
        `blob \`${descriptor.digest}\` arrived as ${response.body.byteLength} bytes with digest ${digest} (expected ${descriptor.size} bytes)`,
        { help: 'the registry or something between it and here altered the bundle' },
      );
    }
    return response.body;
  }

  async hasBlob(digest: string): Promise<boolean> {
    const response = await this.send({ method: 'HEAD', url: this.url('blobs', digest), maxBytes: 0, accept: [404] }, 'pull,push');
    return response.status === 200;
  }

  /** Monolithic upload (POST to open a session, PUT with `?digest=`); skipped when the registry has the blob. */
  async pushBlob(bytes: Uint8Array, mediaType: string): Promise<Descriptor> {
    const descriptor: Descriptor = { mediaType, digest: sha256Digest(bytes), size: bytes.byteLength };
    if (await this.hasBlob(descriptor.digest)) return descriptor;
    const session = await this.send({ method: 'POST', url: `${this.base}${this.ref.repository}/blobs/uploads/`, maxBytes: MAX_MANIFEST_BYTES }, 'pull,push');
    const location = session.headers.get('location');
    if (session.status !== 202 || location === null || location === '') {
      throw new DistributeError(DISTRIBUTE_CODES.pushFailed, `registry \`${this.ref.registry}\` opened no upload session (status ${session.status})`, { help: 'the registry must answer 202 with a `Location`' });
    }
    const target = new URL(location, session.url);
    target.searchParams.set('digest', descriptor.digest);
    const put = await this.send(
      { method: 'PUT', url: target.href, headers: { 'content-type': 'application/octet-stream' }, body: bytes, maxBytes: MAX_MANIFEST_BYTES },
      'pull,push',
    );
    if (put.status !== 201) throw new DistributeError(DISTRIBUTE_CODES.pushFailed, `registry \`${this.ref.registry}\` answered ${put.status} to a blob upload`, { help: 'the registry must answer 201 created' });
    return descriptor;
  }

  async putManifest(reference: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    const put = await this.send(
      { method: 'PUT', url: this.url('manifests', reference), headers: { 'content-type': mediaType }, body: bytes, maxBytes: MAX_MANIFEST_BYTES },
      'pull,push',
    );
    const digest = sha256Digest(bytes);
    const announced = put.headers.get('docker-content-digest');
    if (put.status !== 201 || (announced !== null && announced !== digest)) {
      throw new DistributeError(DISTRIBUTE_CODES.pushFailed, `registry \`${this.ref.registry}\` did not store manifest ${digest} as \`${printable(reference)}\` (status ${put.status})`, {
        help: 'the registry must answer 201 created with the same digest',
      });
    }
    return digest;
  }
}
