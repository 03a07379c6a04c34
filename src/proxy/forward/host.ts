import { isIP } from 'node:net';

/** A DNS host name as certificates name it: LDH labels, no trailing dot, at most 253 characters. */
const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The host lowercased without a trailing dot, or undefined when it is not a DNS name. */
export function dnsName(host: string): string | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  return DNS_NAME.test(h) && isIP(h) === 0 ? h : undefined;
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
  const host = (m[1] ?? m[2] ?? '').toLowerCase().replace(/\.$/, '');
  if (m[1] !== undefined && isIP(host) !== 6) return undefined;
  if (m[2] !== undefined && isIP(host) === 0 && dnsName(host) === undefined) return undefined;
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (port === undefined || port < 1 || port > 65535) return undefined;
  return { host, port };
}

/** `host:port` back, with IPv6 in brackets. */
export function formatAuthority({ host, port }: Authority): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
