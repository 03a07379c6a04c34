import { printable } from '../bundle/index.js';
import { DISTRIBUTE_CODES, DistributeError } from './codes.js';
import { configError, knownKeys, optionalBoolean, optionalNumber, requiredString, stringMap, validateCredentials, validatePolling, type Credentials } from './config.js';
import { formatOciReference, parseOciReference, SHA256_DIGEST, type OciReference } from './oci-reference.js';
import { OCI_BUNDLE_LAYER, OCI_CONFIG, OCI_INDEX, OCI_MANIFEST, RegistryClient, type Descriptor } from './oci-registry.js';
import { PollingSource, type FetchResult, type PollingConfig } from './source.js';
import { DEFAULT_MAX_BYTES, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, Transport, type FetchLike } from './transport.js';

/**
 * A bundle in an OCI registry, as OPA reads it (`v1/download/oci_download.go`): resolve the
 * reference to an image manifest (descending into an image index, which OPA learned late), take
 * the first `application/vnd.oci.image.layer.v1.tar+gzip` layer, and use its digest's hex as the
 * etag, so an unchanged layer is never downloaded twice. Every manifest and blob is checked
 * against the digest that names it.
 */
export interface OciSourceConfig {
  /** `oci://host[:port]/repository:tag` or `…@sha256:<hex>`. */
  reference: string;
  credentials?: Credentials;
  /** http instead of https; accepted for loopback registries only. */
  plainHttp?: boolean;
  polling?: PollingConfig;
  timeoutSeconds?: number;
  maxBundleBytes?: number;
  retries?: number;
  fetch?: FetchLike;
}

/** An index may point at an index; two levels cover every layout tools produce, and bound a hostile chain. */
export const MAX_INDEX_DEPTH = 2;

interface ParsedRegistryOptions {
  ref: OciReference;
  client: RegistryClient;
  maxBytes: number;
}

function registryFromConfig(config: Omit<OciSourceConfig, 'polling'>, field: string): ParsedRegistryOptions {
  const ref = parseOciReference(requiredString(`${field}.reference`, config.reference));
  const credentials = validateCredentials(`${field}.credentials`, config.credentials);
  const plainHttp = optionalBoolean(`${field}.plainHttp`, config.plainHttp) ?? false;
  const timeoutSeconds = optionalNumber(`${field}.timeoutSeconds`, config.timeoutSeconds, { min: 0.001 }) ?? DEFAULT_TIMEOUT_MS / 1000;
  const maxBytes = optionalNumber(`${field}.maxBundleBytes`, config.maxBundleBytes, { min: 1, integer: true }) ?? DEFAULT_MAX_BYTES;
  const retries = optionalNumber(`${field}.retries`, config.retries, { min: 0, max: 10, integer: true }) ?? DEFAULT_RETRIES;
  if (config.fetch !== undefined && typeof config.fetch !== 'function') throw configError(`${field}.fetch`, 'must be a function');
  const transport = new Transport({ timeoutMs: timeoutSeconds * 1000, retries, ...(config.fetch === undefined ? {} : { fetch: config.fetch }) });
  const client = new RegistryClient(ref, { transport, plainHttp, ...(credentials === undefined ? {} : { credentials }) });
  return { ref, client, maxBytes };
}

function badManifest(what: string, problem: string): DistributeError {
  return new DistributeError(DISTRIBUTE_CODES.badManifest, `${what} ${problem}`, { help: `publish the bundle as an oci image manifest (\`${OCI_MANIFEST}\`) with one \`${OCI_BUNDLE_LAYER}\` layer` });
}

function parseDescriptor(value: unknown, what: string): Descriptor {
  if (typeof value !== 'object' || value === null) throw badManifest(what, 'is not a descriptor object');
  const d = value as Record<string, unknown>;
  if (typeof d['mediaType'] !== 'string') throw badManifest(what, 'has no `mediaType`');
  if (typeof d['digest'] !== 'string' || !SHA256_DIGEST.test(d['digest'])) throw badManifest(what, `has digest \`${printable(String(d['digest']))}\`; only \`sha256:<64 hex>\` is supported`);
  if (typeof d['size'] !== 'number' || !Number.isSafeInteger(d['size']) || d['size'] < 0) throw badManifest(what, 'has no valid `size`');
  return { mediaType: d['mediaType'], digest: d['digest'], size: d['size'] };
}

function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw badManifest(what, 'is not valid json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badManifest(what, 'is not a json object');
  return value as Record<string, unknown>;
}

/** Index entries that describe another manifest (build provenance, SBOMs): never the bundle. */
function isAttestation(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null) return false;
  const annotations = (entry as { annotations?: unknown }).annotations;
  return typeof annotations === 'object' && annotations !== null && (annotations as Record<string, unknown>)['vnd.docker.reference.type'] === 'attestation-manifest';
}

/**
 * Resolves a reference to the bundle layer's descriptor, through at most MAX_INDEX_DEPTH indexes.
 * In an index, attestation entries (`docker buildx --provenance`) are skipped and the other
 * manifests tried in order until one has a bundle layer: the first entry is not always the bundle.
 */
export async function resolveBundleLayer(client: RegistryClient, reference: string, signal?: AbortSignal): Promise<{ layer: Descriptor; manifestDigest: string }> {
  return resolveFrom(client, reference, 0, signal);
}

async function resolveFrom(client: RegistryClient, current: string, depth: number, signal: AbortSignal | undefined): Promise<{ layer: Descriptor; manifestDigest: string }> {
  const { mediaType: header, bytes, digest } = await client.getManifest(current, signal);
  const what = `manifest \`${printable(current)}\``;
  const doc = parseJsonObject(bytes, what);
  if (doc['schemaVersion'] !== 2) throw badManifest(what, 'is not schema version 2');
  const mediaType = typeof doc['mediaType'] === 'string' ? doc['mediaType'] : header;
  if (mediaType === OCI_INDEX) {
    if (depth >= MAX_INDEX_DEPTH) throw new DistributeError(DISTRIBUTE_CODES.badIndex, `image indexes nest deeper than ${MAX_INDEX_DEPTH} at \`${printable(current)}\``, { help: 'point the reference at the bundle manifest, or at an index that lists it' });
    const entries = Array.isArray(doc['manifests']) ? doc['manifests'] : [];
    const manifests = entries.map((m, i) => ({ descriptor: parseDescriptor(m, `${what} entry ${i}`), attestation: isAttestation(m) })).filter((m) => !m.attestation);
    const candidates = [...manifests.filter((m) => m.descriptor.mediaType === OCI_MANIFEST), ...manifests.filter((m) => m.descriptor.mediaType === OCI_INDEX)];
    if (candidates.length === 0) throw new DistributeError(DISTRIBUTE_CODES.badIndex, `image index \`${printable(current)}\` lists no oci manifest`, { help: 'push the bundle manifest and list it in the index' });
    let lastError: unknown;
    for (const candidate of candidates) {
      try {
        return await resolveFrom(client, candidate.descriptor.digest, depth + 1, signal);
      } catch (e) {
        // Another artifact listed beside the bundle (an SBOM, a signature): try the next entry.
        if (!(e instanceof DistributeError && e.code === DISTRIBUTE_CODES.noBundleLayer)) throw e;
        lastError = e;
      }
    }
    throw lastError;
  }
  if (mediaType !== OCI_MANIFEST) throw badManifest(what, `has media type \`${printable(mediaType || 'none')}\`, not \`${OCI_MANIFEST}\` or \`${OCI_INDEX}\``);
  const layers = Array.isArray(doc['layers']) ? doc['layers'].map((l, i) => parseDescriptor(l, `${what} layer ${i}`)) : [];
  if (layers.length === 0) throw new DistributeError(DISTRIBUTE_CODES.noBundleLayer, `${what} has no layers`, { help: `push the bundle as a \`${OCI_BUNDLE_LAYER}\` layer` });
  const layer = layers.find((l) => l.mediaType === OCI_BUNDLE_LAYER);
  if (layer === undefined) {
    throw new DistributeError(DISTRIBUTE_CODES.noBundleLayer, `${what} has no \`${OCI_BUNDLE_LAYER}\` layer (found ${layers.map((l) => `\`${printable(l.mediaType)}\``).join(', ')})`, {
      help: 'OPA and blastguard read the bundle from the first layer of this media type only',
    });
  }
  return { layer, manifestDigest: digest };
}

export class OciSource extends PollingSource {
  readonly kind = 'oci';
  readonly location: string;
  private readonly client: RegistryClient;
  private readonly reference: string;
  private readonly maxBytes: number;

  constructor(config: OciSourceConfig) {
    knownKeys('source', config, ['reference', 'credentials', 'plainHttp', 'polling', 'timeoutSeconds', 'maxBundleBytes', 'retries', 'fetch']);
    super(validatePolling('source.polling', config.polling));
    const { ref, client, maxBytes } = registryFromConfig(config, 'source');
    this.client = client;
    this.maxBytes = maxBytes;
    this.reference = ref.digest ?? ref.tag!;
    this.location = formatOciReference(ref);
  }

  protected async fetchOnce(etag: string, signal: AbortSignal | undefined): Promise<FetchResult> {
    const { layer } = await resolveBundleLayer(this.client, this.reference, signal);
    const layerEtag = layer.digest.slice('sha256:'.length);
    if (layerEtag === etag) return { etag };
    if (layer.size > this.maxBytes) {
      throw new DistributeError(DISTRIBUTE_CODES.tooLarge, `bundle layer \`${layer.digest}\` is ${layer.size} bytes, more than the limit of ${this.maxBytes}`, { help: 'raise `source.maxBundleBytes` if the bundle is really this large' });
    }
    const raw = await this.client.getBlob(layer, signal);
    return { raw, etag: layerEtag };
  }
}

export function createOciSource(config: OciSourceConfig): OciSource {
  return new OciSource(config);
}

export type OciPushOptions = Omit<OciSourceConfig, 'polling'> & {
  /** Manifest annotations (`org.opencontainers.image.revision`, …). */
  annotations?: Record<string, string>;
};

export interface OciPushResult {
  /** The manifest's digest: pin enforcers to `oci://…@<digest>`. */
  digest: string;
  /** The manifest's size in bytes (what an index entry lists). */
  size: number;
  /** `oci://host/repository@<digest>`. */
  reference: string;
}

function annotationsOf(value: unknown): Record<string, string> | undefined {
  return value === undefined ? undefined : stringMap('push.annotations', value);
}

/**
 * Publishes a bundle the way OPA expects to read it (the `oras push` of OPA's docs): an empty `{}`
 * config, the tarball as the single `tar+gzip` layer, an image manifest tagged with the reference's
 * tag (or stored under its digest).
 */
export async function pushOciBundle(raw: Uint8Array, options: OciPushOptions): Promise<OciPushResult & { layer: Descriptor }> {
  knownKeys('push', options, ['reference', 'credentials', 'plainHttp', 'timeoutSeconds', 'maxBundleBytes', 'retries', 'fetch', 'annotations']);
  const { ref, client } = registryFromConfig(options, 'push');
  const annotations = annotationsOf(options.annotations);
  const config = await client.pushBlob(Buffer.from('{}'), OCI_CONFIG);
  const layer = await client.pushBlob(raw, OCI_BUNDLE_LAYER);
  layer.annotations = { 'org.opencontainers.image.title': 'bundle.tar.gz' };
  const manifest: Record<string, unknown> = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] };
  if (annotations !== undefined) manifest['annotations'] = annotations;
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = await client.putManifest(ref.digest ?? ref.tag!, bytes, OCI_MANIFEST);
  return { digest, size: bytes.byteLength, layer, reference: formatOciReference({ ...ref, tag: undefined, digest }) };
}

/** Tags an image index listing already-pushed manifests (what `docker buildx` and some CI tools publish). */
export async function pushOciIndex(manifests: readonly { digest: string; size: number }[], options: Omit<OciPushOptions, 'annotations'>): Promise<OciPushResult> {
  knownKeys('push', options, ['reference', 'credentials', 'plainHttp', 'timeoutSeconds', 'maxBundleBytes', 'retries', 'fetch']);
  const { ref, client } = registryFromConfig(options, 'push');
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: manifests.map((m) => ({ mediaType: OCI_MANIFEST, digest: m.digest, size: m.size })) };
  const bytes = Buffer.from(JSON.stringify(index));
  const digest = await client.putManifest(ref.digest ?? ref.tag!, bytes, OCI_INDEX);
  return { digest, size: bytes.byteLength, reference: formatOciReference({ ...ref, tag: undefined, digest }) };
}
