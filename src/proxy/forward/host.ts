import { isIP } from 'node:net';

/** A DNS host name as certificates name it: LDH labels, no trailing dot, at most 253 characters. */
const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * A last label that URL parsers and `inet_aton` read as (part of) an IPv4 address (`0x7f.1`,
 * `10.1`): such a "name" would mean an address to a client and a name to the proxy.
 */
const NUMERIC_LABEL = /(?:^|\.)(?:0x[0-9a-f]*|\d+)$/;

/** The host lowercased without a trailing dot, or undefined when it is not a DNS name. */
export function dnsName(host: string): string | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  return DNS_NAME.test(h) && !NUMERIC_LABEL.test(h) && isIP(h) === 0 ? h : undefined;
}

/** An IPv6 address in its one canonical text form (RFC 5952, as the URL parser writes it). */
function canonicalIpv6(address: string): string | undefined {
  if (isIP(address) !== 6) return undefined;
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

export interface Authority {
  host: string;
  port: number;
}

/**
 * `host:port` of a CONNECT request-target or an absolute URL's authority; IPv6 in brackets. The
 * host is lowercased without brackets; undefined when it does not parse (no userinfo, no path).
 */
export function parseAuthority(text: string, defaultPort?: number): Authority | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:/?#@[\]\s]+))(?::(\d{1,5}))?$/.exec(text);
  if (m === null) return undefined;
  let host: string | undefined;
  if (m[1] !== undefined) host = canonicalIpv6(m[1].toLowerCase());
  else if (isIP(m[2]!) === 4) host = m[2]!;
  else host = dnsName(m[2]!);
  if (host === undefined) return undefined;
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (port === undefined || port < 1 || port > 65535) return undefined;
  return { host, port };
}

/** `host:port` back, with IPv6 in brackets. */
export function formatAuthority({ host, port }: Authority): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
