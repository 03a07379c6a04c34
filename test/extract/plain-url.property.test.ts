// A plain origin-form target under a plain `Host` is read without a `URL` (plain-url.ts). The
// reference is the WHATWG parser itself: whenever the plain reading gives parts, they must be the
// parts `new URL('http://' + host + target)` gives, query parameters included, for random hosts
// and targets built from the characters that parser rewrites (dots, `%2e`, `\`, spaces, `'`, `#`,
// non-ASCII, IDNA and IPv4-looking labels, ports).
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { plainUrl } from '../../src/extract/plain-url.js';
import { parseUrl } from '../../src/extract/request.js';

const label = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('backboard', 'railway', 'com', 'api', 'github', 'a', 'x1', 's3', 'amazonaws', 'us-east-1') },
  { weight: 1, arbitrary: fc.constantFrom('xn--bcher-kva', 'XN--abc', '0x7f', '127', '1', '0', 'Example', '', '-a', 'a-', 'é', 'a_b', '%41', 'ß') },
);
const port = fc.constantFrom('', '', '', ':80', ':8080', ':443', ':0', ':080', ':65535', ':65536', ':99999', ':', ':a', ':1');
const host = fc.tuple(fc.array(label, { minLength: 1, maxLength: 4 }), fc.constantFrom('', '', '', '', '', '.'), port).map(([labels, dot, p]) => `${labels.join('.')}${dot}${p}`);

const piece = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('a', 'graphql', 'v2', 'x', '/', '/', '.', '%2f', '%', '%zz', '~', '-', '_', '?', '&', '=', ';', ':', '@', '+', ',', '!', '$', '(', ')', '*', 'A', "'") },
  { weight: 1, arbitrary: fc.constantFrom('..', '%2e', '%2E', '"', ' ', '\t', '\\', '#', '<', '>', '^', '`', '{', '}', '|', '[', ']', 'é', '\u0000', '\n', '/.', '/..', '/%2e/') },
);
const target = fc.tuple(fc.array(piece, { maxLength: 12 }), fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })).map(([pieces, lead]) => `/${lead ? '' : '/'}${pieces.join('')}`);

test('a plain reading has the parts the WHATWG parser gives', () => {
  let plain = 0;
  fc.assert(
    fc.property(host, target, (h, t) => {
      const read = plainUrl(h, t);
      if (read === null) return;
      plain++;
      const url = new URL(`http://${h}${t}`);
      expect({ protocol: read.protocol, host: read.host, hostname: read.hostname, port: read.port, pathname: read.pathname, search: read.search, username: read.username, password: read.password }).toEqual({
        protocol: url.protocol,
        host: url.host,
        hostname: url.hostname,
        port: url.port,
        pathname: url.pathname,
        search: url.search,
        username: url.username,
        password: url.password,
      });
      expect([...read.searchParams]).toEqual([...url.searchParams]);
    }),
    { numRuns: 20_000 },
  );
  // The plain reading is taken often enough to be tested, not just declined.
  expect(plain).toBeGreaterThan(4_000);
});

test('parseUrl reads a plain request as it reads one through URL', () => {
  const headers = (h: string): ReadonlyMap<string, readonly string[]> => new Map([['host', [h]]]);
  for (const [h, t] of [['backboard.railway.com', '/graphql/v2'], ['api.github.com:8080', '/repos/a/b?per_page=1&x=%20'], ['a.example:80', '/?'], ['a.example', '/x?y??z']] as const) {
    const read = parseUrl(t, headers(h));
    expect(read).not.toBeInstanceOf(URL);
    const url = new URL(`http://${h}${t}`);
    expect([read.host, read.pathname, read.search, [...read.searchParams]]).toEqual([url.host, url.pathname, url.search, [...url.searchParams]]);
  }
  // Anything else is read through URL, as before.
  expect(parseUrl('/graphql/./v2', headers('backboard.railway.com'))).toBeInstanceOf(URL);
  expect(parseUrl('/graphql/v2', headers('Backboard.railway.com'))).toBeInstanceOf(URL);
});

test('the query a request url offers can be read, not changed', () => {
  // On a PlainUrl a change to searchParams would not reach search, as it does on a URL: the type forbids it.
  const url = plainUrl('api.github.com', '/repos/acme/web?per_page=1');
  expect(url?.searchParams.get('per_page')).toBe('1');
  // @ts-expect-error: RequestUrl's searchParams is read-only
  expect(() => url?.searchParams.append).not.toThrow();
});
