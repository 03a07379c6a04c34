import type { LocalCa } from './ca.js';
import { FORWARD_CODES, ForwardProxyError } from './codes.js';
import { dnsName } from './host.js';
import { NAME_CONSTRAINTS_OID } from './name-constraints.js';

/**
 * Which DNS names a CA's name-constraints extension (RFC 5280 §4.2.1.10) lets it sign for. Clients
 * (OpenSSL, Go, Node, Python) reject a leaf whose name falls outside the permitted subtrees or
 * inside an excluded one, so a host the CA may not sign for can never be intercepted: the
 * handshake fails whatever the client trusts.
 */
export interface DnsConstraints {
  /** Permitted `dNSName` subtrees; empty: every DNS name (constraints of other name forms do not limit DNS names). */
  permitted: readonly string[];
  excluded: readonly string[];
}

const SEQUENCE = 0x30;
const PERMITTED = 0xa0;
const EXCLUDED = 0xa1;
const DNS_NAME = 0x82;

interface Tlv {
  tag: number;
  content: Uint8Array;
  end: number;
}

/** One DER TLV at `at`; undefined when it runs past the end (a malformed extension). */
function readTlv(bytes: Uint8Array, at: number): Tlv | undefined {
  if (at + 2 > bytes.length) return undefined;
  const tag = bytes[at]!;
  let length = bytes[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 3 || start + octets > bytes.length) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[start + i]!;
    start += octets;
  }
  const end = start + length;
  return end > bytes.length ? undefined : { tag, content: bytes.subarray(start, end), end };
}

function children(bytes: Uint8Array): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let at = 0; at < bytes.length; ) {
    const tlv = readTlv(bytes, at);
    if (tlv === undefined) return undefined;
    out.push(tlv);
    at = tlv.end;
  }
  return out;
}

/** The `dNSName` bases of a GeneralSubtrees value, lowercased; undefined when malformed. */
function dnsBases(subtrees: Uint8Array): string[] | undefined {
  const out: string[] = [];
  for (const subtree of children(subtrees) ?? []) {
    if (subtree.tag !== SEQUENCE) return undefined;
    const base = readTlv(subtree.content, 0);
    if (base === undefined) return undefined;
    if (base.tag === DNS_NAME) out.push(new TextDecoder().decode(base.content).toLowerCase());
  }
  return out;
}

/** The CA's DNS name constraints; null when it has none, or when they cannot be read (then nothing is assumed). */
export function dnsConstraints(ca: Pick<LocalCa, 'certificate'>): DnsConstraints | null {
  const extension = ca.certificate.extensions.find((e) => e.type === NAME_CONSTRAINTS_OID);
  if (extension === undefined) return null;
  const outer = readTlv(new Uint8Array(extension.value), 0);
  if (outer === undefined || outer.tag !== SEQUENCE) return null;
  let permitted: string[] = [];
  let excluded: string[] = [];
  for (const part of children(outer.content) ?? []) {
    const bases = dnsBases(part.content);
    if (bases === undefined) return null;
    if (part.tag === PERMITTED) permitted = bases;
    else if (part.tag === EXCLUDED) excluded = bases;
  }
  return { permitted, excluded };
}

/**
 * Whether `host` is within the subtree `base`: the name itself or a name with labels added on the
 * left (RFC 5280); a base written `.example.com` (a common form) matches subdomains only.
 */
function within(host: string, base: string): boolean {
  if (base === '') return true;
  if (base.startsWith('.')) return host.endsWith(base);
  return host === base || host.endsWith(`.${base}`);
}

/** The hosts (lowercased DNS names) the CA may not sign for, in the order given. */
export function hostsOutsideCa(ca: Pick<LocalCa, 'certificate'>, hosts: readonly string[]): string[] {
  const constraints = dnsConstraints(ca);
  if (constraints === null) return [];
  return hosts.filter(
    (host) =>
      (constraints.permitted.length > 0 && !constraints.permitted.some((base) => within(host, base))) || constraints.excluded.some((base) => within(host, base)),
  );
}

/**
 * Refuses (BG777) a CA that may not sign for some of `hosts`: the proxy would intercept them and
 * every client would reject the certificate ("permitted subtree violation"), which looks like a
 * CA the client does not trust. Hosts that are not DNS names are never intercepted and not checked.
 */
export function requireCaCoversHosts(ca: Pick<LocalCa, 'certificate' | 'certFile'>, hosts: readonly string[]): void {
  const names = [...new Set(hosts.flatMap((h) => dnsName(h) ?? []))];
  const outside = hostsOutsideCa(ca, names);
  if (outside.length === 0) return;
  const constraints = dnsConstraints(ca);
  const shown = outside.slice(0, 5).map((h) => `\`${h}\``).join(', ') + (outside.length > 5 ? ` and ${outside.length - 5} more` : '');
  throw new ForwardProxyError(FORWARD_CODES.caNameConstraints, `the local CA may sign only for ${(constraints?.permitted ?? []).map((b) => `\`${b}\``).join(', ') || 'names outside its excluded subtrees'}, not for the declared api hosts ${shown}`, {
    ...(ca.certFile === undefined ? {} : { file: ca.certFile }),
    help: `create the CA again with \`blastguard proxy ca init --out DIR --force\` and the missing hosts added to \`--permit\` (\`${outside.join(' ')}\`, or a parent domain of them), or without \`--permit\`; then trust the new CA in each client`,
  });
}

