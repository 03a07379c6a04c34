/**
 * The DER value of an X.509 name-constraints extension (RFC 5280 §4.2.1.10), which
 * `@peculiar/x509` has no class for: the local CA may sign only for the permitted DNS names
 * (when given) and never for an IP address, so a leaked CA key cannot impersonate arbitrary hosts.
 */
export const NAME_CONSTRAINTS_OID = '2.5.29.30';

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(1 + length.length + n);
  out[0] = tag;
  out.set(length, 1);
  out.set(content, 1 + length.length);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

const SEQUENCE = 0x30;
// GeneralName CHOICE members are implicitly tagged: dNSName [2] IA5String, iPAddress [7] OCTET STRING.
const DNS_NAME = 0x82;
const IP_ADDRESS = 0x87;
// GeneralSubtrees under [0] (permitted) and [1] (excluded), implicitly tagged and constructed.
const PERMITTED = 0xa0;
const EXCLUDED = 0xa1;

const subtree = (generalName: Uint8Array): Uint8Array => tlv(SEQUENCE, generalName);

/**
 * Permitted `dNSName` subtrees for `hosts` (a host permits itself and its subdomains), and every
 * IPv4 and IPv6 address excluded (address and mask all zero: the whole space).
 */
export function nameConstraintsValue(hosts: readonly string[]): Uint8Array {
  const excluded = tlv(EXCLUDED, concat([subtree(tlv(IP_ADDRESS, new Uint8Array(8))), subtree(tlv(IP_ADDRESS, new Uint8Array(32)))]));
  const parts = hosts.length === 0 ? [excluded] : [tlv(PERMITTED, concat(hosts.map((h) => subtree(tlv(DNS_NAME, new TextEncoder().encode(h)))))), excluded];
  return tlv(SEQUENCE, concat(parts));
}
