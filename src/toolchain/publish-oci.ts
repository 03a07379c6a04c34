import { formatOciReference, parseOciReference, pushOciBundle, type Credentials } from '../distribute/index.js';

export interface PublishOciOptions {
  /** `oci://host[:port]/repository` (a tag in it is replaced by `tags`); `oci://` may be left out; lowercased. */
  reference: string;
  /** Each tag gets the same manifest, e.g. the commit and `latest`. */
  tags: readonly string[];
  credentials?: Credentials;
  /** http instead of https; the distribute layer allows it for loopback registries only. */
  plainHttp?: boolean;
  /** Manifest annotations (`org.opencontainers.image.revision`, …). */
  annotations?: Record<string, string>;
}

export interface PublishedOci {
  /** The manifest digest every tag points at. */
  digest: string;
  /** `oci://host/repository@sha256:…`: what an enforcer should pin. */
  reference: string;
  /** `oci://host/repository:tag` for each tag. */
  tagged: string[];
}

/**
 * Pushes a bundle as OPA reads it from a registry (opa-compat §4.2: an image manifest, an empty
 * `{}` config, one `application/vnd.oci.image.layer.v1.tar+gzip` layer) under each tag. The
 * manifest bytes are the same for every tag, so every tag names one digest.
 */
export async function publishOci(bytes: Uint8Array, options: PublishOciOptions): Promise<PublishedOci> {
  // Registries take lowercase repository names only; `ghcr.io/${{ github.repository }}` may not be.
  const text = (options.reference.startsWith('oci://') ? options.reference : `oci://${options.reference}`).toLowerCase();
  const base = parseOciReference(text);
  let digest = '';
  let reference = '';
  const tagged: string[] = [];
  for (const tag of options.tags) {
    const at = formatOciReference({ ...base, tag, digest: undefined });
    const pushed = await pushOciBundle(bytes, {
      reference: at,
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      ...(options.plainHttp === undefined ? {} : { plainHttp: options.plainHttp }),
      ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
    });
    digest = pushed.digest;
    reference = pushed.reference;
    tagged.push(at);
  }
  return { digest, reference, tagged };
}
