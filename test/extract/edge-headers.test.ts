// Issue 11: an edge proxy in front of blastguard (ingress-nginx, Envoy, Traefik, an ALB) sets
// routing headers on every request saying what it received. One that reads as exactly what is
// decided (the request's own target, its host or the host its client named, no prefix) is
// accepted and not forwarded; one that says anything else stays refused (BG443). The property:
// for random combinations, either refused, or a server that routes on these headers (IIS/Symfony
// `X-Original-URL`, `X-Forwarded-Host`, Spring's prefix), reading the request as sent or as
// forwarded, runs exactly the repository that was decided.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { EXTRACT_CODES, extractForwarding, overrideOf } from '../../src/extract/index.js';
import type { ForwardExtraction, HttpRequest } from '../../src/extract/index.js';
import { normalizeHeaders } from '../../src/core/headers.js';
import { catalogOfIr } from '../../src/ir/catalog.js';
import { TIME } from './fixture.js';
import { ir } from './helpers.js';

const catalog = catalogOfIr(ir);
const GH = { authorization: 'Bearer fake-github-developer-gh-token', host: 'api.github.com' };
const forward = (request: HttpRequest): ForwardExtraction => extractForwarding(request, catalog, { time: TIME });
const outcome = (x: ForwardExtraction): string | null | undefined => x.operations[0]?.operation ?? x.operations[0]?.error?.code;
const get = (path: string, headers: Record<string, string | string[]>, clientHost?: string): ForwardExtraction =>
  forward({ method: 'GET', url: path, headers: { ...GH, ...headers }, ...(clientHost === undefined ? {} : { clientHost }) });

describe('routing headers that read as what is decided', () => {
  // What ingress-nginx sets (rootfs/etc/nginx/template/nginx.tmpl: Host and X-Forwarded-Host are
  // `$best_http_host`, X-Original-URI `$request_uri`, `Proxy` emptied, which nginx then omits).
  const INGRESS_NGINX = {
    'x-request-id': '3f1c2b8e9a7d4c6b8e1f2a3b4c5d6e7f',
    'x-real-ip': '192.0.2.10',
    'x-forwarded-for': '192.0.2.10',
    'x-forwarded-host': 'api.github.com',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    'x-forwarded-scheme': 'https',
    'x-scheme': 'https',
    'x-original-uri': '/repos/acme/web?per_page=1',
    'x-original-forwarded-for': '198.51.100.7',
  };
  // What an edge Envoy sets (http_conn_man headers.rst: XFF appended with use_remote_address,
  // x-forwarded-proto, x-request-id, x-envoy-external-address; the router's expected timeout;
  // x-envoy-original-path when a route rewrites, here an identity rewrite; x-forwarded-host
  // appended by a host rewrite with append_x_forwarded_host).
  const ENVOY = {
    'x-forwarded-for': '203.0.113.128, 192.0.2.5',
    'x-forwarded-proto': 'https',
    'x-request-id': 'c2e1f5a0-7b8e-4d2c-9f1a-0b3c4d5e6f70',
    'x-envoy-external-address': '192.0.2.5',
    'x-envoy-expected-rq-timeout-ms': '15000',
    'x-envoy-attempt-count': '1',
    'x-envoy-original-path': '/repos/acme/web?per_page=1',
    'x-forwarded-host': 'api.github.com',
    'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678',
  };

  test('ingress-nginx: accepted, routing headers not forwarded, the rest as received', () => {
    const x = get('/repos/acme/web?per_page=1', INGRESS_NGINX);
    expect(outcome(x)).toBe('repos.get');
    expect(x.forward!.path).toBe('/repos/acme/web?per_page=1');
    expect(x.forward!.headers['x-forwarded-host']).toBeUndefined();
    expect(x.forward!.headers['x-original-uri']).toBeUndefined();
    for (const name of ['x-request-id', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto', 'x-scheme', 'x-original-forwarded-for']) {
      expect(x.forward!.headers[name], name).toBe(INGRESS_NGINX[name as keyof typeof INGRESS_NGINX]);
    }
  });

  test('envoy: accepted, x-envoy-original-path and x-forwarded-host not forwarded', () => {
    const x = get('/repos/acme/web?per_page=1', ENVOY);
    expect(outcome(x)).toBe('repos.get');
    expect(x.forward!.headers['x-envoy-original-path']).toBeUndefined();
    expect(x.forward!.headers['x-forwarded-host']).toBeUndefined();
    expect(x.forward!.headers['x-forwarded-for']).toBe('203.0.113.128, 192.0.2.5');
    expect(x.forward!.headers['x-amzn-trace-id']).toBe(ENVOY['x-amzn-trace-id']);
  });

  test('an AWS ALB (X-Forwarded-For/-Proto/-Port, X-Amzn-Trace-Id): accepted, all passed on', () => {
    const alb = { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': 'https', 'x-forwarded-port': '443', 'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678' };
    const x = get('/repos/acme/web', alb);
    expect(outcome(x)).toBe('repos.get');
    expect(x.forward!.headers).toMatchObject(alb);
  });

  // Traefik's forwarded-headers set: X-Forwarded-Host the client's Host, X-Forwarded-Server
  // Traefik's own host name, which a stack reading it as the host (Ktor's XForwardedHeaderSupport)
  // would take for another host: refused unless removed at the edge (README).
  test('Traefik: accepted without X-Forwarded-Server; its own host name there is refused', () => {
    const traefik = { 'x-forwarded-for': '192.0.2.10', 'x-forwarded-host': 'api.github.com', 'x-forwarded-port': '443', 'x-forwarded-proto': 'https', 'x-real-ip': '192.0.2.10' };
    expect(outcome(get('/repos/acme/web', traefik))).toBe('repos.get');
    expect(outcome(get('/repos/acme/web', { ...traefik, 'x-forwarded-server': 'traefik-7d9f8b6c5-x2x7q' }))).toBe(EXTRACT_CODES.targetOverride);
  });

  test('ingress-nginx with a rewrite-target: X-Original-URI and X-Forwarded-Prefix name another target, refused', () => {
    expect(outcome(get('/repos/acme/web', { ...INGRESS_NGINX, 'x-original-uri': '/github/repos/acme/web' }))).toBe(EXTRACT_CODES.targetOverride);
    expect(outcome(get('/repos/acme/web', { 'x-forwarded-prefix': '/github' }))).toBe(EXTRACT_CODES.targetOverride);
  });

  test.each([
    ['x-forwarded-host', 'API.GitHub.com:443'],
    ['x-forwarded-host', 'api.github.com.'],
    ['x-forwarded-host', 'api.github.com, api.github.com'],
    ['x_forwarded_host', 'api.github.com'],
    ['x-original-host', 'api.github.com'],
    ['x-original-url', '/repos/acme/web'],
    ['x-rewrite-url', '/repos/acme/web'],
    ['x-forwarded-uri', '/repos/acme/web'],
    ['x-forwarded-prefix', '/'],
    ['x-forwarded-prefix', ''],
    ['x-forwarded-pathbase', '/'],
    ['forwarded', 'for=192.0.2.1;host=api.github.com;proto=https'],
    ['forwarded', 'for=192.0.2.1;host="api.github.com:443", for=198.51.100.1;host=api.github.com'],
  ])('`%s: %s` agrees: decided and not forwarded', (name, value) => {
    const x = get('/repos/acme/web', { [name]: value });
    expect(outcome(x)).toBe('repos.get');
    expect(Object.keys(x.forward!.headers).filter((h) => h.replace(/_/g, '-') === name.replace(/_/g, '-'))).toEqual([]);
  });

  test.each([
    ['x-forwarded-host', 'evil.example'],
    ['x-forwarded-host', 'api.github.com, evil.example'],
    ['x-forwarded-host', 'evil.example, api.github.com'],
    ['x-forwarded-host', ''],
    ['x-forwarded-host', 'api.github.com@evil.example'],
    ['x-forwarded-host', 'api.github.com/x'],
    ['x-original-host', 'github.com'],
    ['x-envoy-original-dst-host', '10.0.0.7:8080'],
    ['x-original-url', '/repos/acme/sandbox'],
    ['x-original-url', '/repos/acme/web/'],
    ['x-original-url', '/repos/acme/WEB'],
    ['x-original-url', 'https://api.github.com/repos/acme/web'],
    ['x-original-uri', '/repos/acme/web?per_page=1'],
    ['x-forwarded-prefix', '/admin'],
    ['x-forwarded-prefix', '/, /admin'],
    ['forwarded', 'host=evil.example'],
    ['forwarded', 'for=192.0.2.1;host=api.github.com, for=198.51.100.1;host=evil.example'],
    ['forwarded', 'for="192.0.2.1;host=evil.example";host=api.github.com'],
    ['forwarded', 'for=192.0.2.1;host=api.github.com;host'],
    ['forwarded', 'host="api.github.com'],
  ])('`%s: %s` names another target: refused (BG443), nothing forwarded', (name, value) => {
    const x = get('/repos/acme/web', { [name]: value });
    expect(outcome(x)).toBe(EXTRACT_CODES.targetOverride);
    expect(x.forward).toBeNull();
  });

  test('a proxy reading the request under another host: the host its client named agrees too', () => {
    expect(outcome(get('/repos/acme/web', { 'x-forwarded-host': 'github-proxy.corp.example' }, 'github-proxy.corp.example'))).toBe('repos.get');
    expect(outcome(get('/repos/acme/web', { forwarded: 'host=github-proxy.corp.example' }, 'github-proxy.corp.example'))).toBe('repos.get');
    expect(outcome(get('/repos/acme/web', { 'x-forwarded-host': 'github-proxy.corp.example' }))).toBe(EXTRACT_CODES.targetOverride);
    expect(outcome(get('/repos/acme/web', { 'x-forwarded-host': 'other.corp.example' }, 'github-proxy.corp.example'))).toBe(EXTRACT_CODES.targetOverride);
  });

  test('an absolute-form request: its path and query are the target', () => {
    expect(outcome(forward({ method: 'GET', url: 'https://api.github.com/repos/acme/web?a=1', headers: { authorization: GH.authorization, 'x-original-url': '/repos/acme/web?a=1', 'x-forwarded-host': 'api.github.com' } }))).toBe('repos.get');
  });

  test('cgi variables and x-forwarded-url stay refused whatever they say; without a decided target every routing header is', () => {
    for (const name of ['script_name', 'path_info', 'request_uri', 'x-forwarded-url', 'x-original-path']) {
      expect(outcome(get('/repos/acme/web', { [name]: '/repos/acme/web' })), name).toBe(EXTRACT_CODES.targetOverride);
    }
    expect(overrideOf(normalizeHeaders({ 'x-forwarded-host': 'api.github.com' }))?.code).toBe(EXTRACT_CODES.targetOverride);
    expect(overrideOf(normalizeHeaders({ forwarded: 'host=api.github.com' }))?.code).toBe(EXTRACT_CODES.targetOverride);
    expect(overrideOf(normalizeHeaders({ forwarded: 'for=192.0.2.1;proto=https' }))).toBeNull();
    // Spring's and Vert.x's readers search the whole value for `host=` (review of the session's merges, F3).
    for (const forwarded of ['for="_xhost=evil.example"', 'for=192.0.2.1;by=_xhost=evil.example', 'for=x xhost=evil.example']) {
      expect(outcome(get('/repos/acme/web', { forwarded }, 'github-proxy.corp.example')), forwarded).toBe(EXTRACT_CODES.targetOverride);
    }
  });

  test('a `_method` url parameter is found in any encoding (overrideOf only parses a query that may hold one)', () => {
    for (const search of ['?_m%65thod=DELETE', '?%5Fmethod=PUT', '?a=1&%5fMETHOD=x', '_method=PUT']) {
      expect(overrideOf(normalizeHeaders({}), search)?.code, search).toBe(EXTRACT_CODES.methodOverride);
    }
    expect(overrideOf(normalizeHeaders({}), '?a=1&method=PUT&x_y=1')).toBeNull();
  });

  test('two names one cgi variable apart are refused in either order; one `_` name alone is not', () => {
    expect(overrideOf(normalizeHeaders({ x_tenant: 'b', 'x-tenant': 'a' }))?.code).toBe(EXTRACT_CODES.targetOverride);
    expect(overrideOf(normalizeHeaders({ 'x_a-b': '1', 'x-a_b': '2' }))?.code).toBe(EXTRACT_CODES.targetOverride);
    expect(overrideOf(normalizeHeaders({ x_tenant: 'b', 'x-other': 'a' }))).toBeNull();
  });

  test('two spellings of one routing header are refused even when both agree', () => {
    expect(outcome(get('/repos/acme/web', { 'x-forwarded-host': 'api.github.com', x_forwarded_host: 'api.github.com' }))).toBe(EXTRACT_CODES.targetOverride);
  });
});

/** A server stack that trusts its front proxy: which host and repository it runs a request as. */
type Router = (path: string, headers: Record<string, string | string[] | undefined>) => { host: string; repo: string | null };

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const folded = (headers: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase().replace(/_/g, '-') === name) return first(v);
  return undefined;
};
const repoOf = (path: string): string | null => /^\/repos\/acme\/([^/?]+)(?:\?|$)/.exec(path)?.[1] ?? null;

function router(pick: (list: string[]) => string): Router {
  return (path, headers) => {
    const original = ['x-original-url', 'x-rewrite-url', 'x-original-uri', 'x-forwarded-uri', 'x-forwarded-path', 'x-envoy-original-path'].map((n) => folded(headers, n)).find((v) => v !== undefined);
    const prefix = (folded(headers, 'x-forwarded-prefix') ?? '').split(',').map((p) => p.trim().replace(/\/$/, '')).join('');
    const runs = `${prefix}${original ?? path}`;
    const xfh = folded(headers, 'x-forwarded-host');
    const fwd = (folded(headers, 'forwarded') ?? '').split(/[;,]/).map((p) => p.trim()).filter((p) => /^host=/i.test(p)).map((p) => p.slice(5).replace(/^"|"$/g, ''));
    const host = xfh !== undefined ? pick(xfh.split(',').map((h) => h.trim())) : fwd.length > 0 ? pick(fwd) : (first(headers['host']) ?? '');
    return { host: host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, ''), repo: repoOf(runs) };
  };
}
const ROUTERS = [router((l) => l[0]!), router((l) => l[l.length - 1]!)];

describe('property: refused, or every trusting router runs what was decided', () => {
  const repo = fc.constantFrom('web', 'sandbox');
  const hostValue = fc.constantFrom('api.github.com', 'API.GITHUB.COM:443', 'github-proxy.corp.example', 'evil.example', 'api.github.com, evil.example', 'api.github.com, api.github.com', '');
  const header = (target: string): fc.Arbitrary<[string, string]> =>
    fc.oneof(
      fc.tuple(fc.constantFrom('x-original-url', 'x-original-uri', 'x-rewrite-url', 'x-forwarded-uri', 'x-envoy-original-path', 'X_Original_URL'), fc.constantFrom(target, '/repos/acme/web', '/repos/acme/sandbox', `${target}/`, '/admin')),
      fc.tuple(fc.constantFrom('x-forwarded-host', 'x_forwarded_host', 'x-original-host'), hostValue),
      fc.tuple(fc.constantFrom('x-forwarded-prefix'), fc.constantFrom('', '/', '/repos/acme', '/admin')),
      fc.tuple(fc.constant('forwarded'), fc.oneof(hostValue.map((h) => `for=192.0.2.1;host="${h}"`), fc.constantFrom('for=192.0.2.1;proto=https', 'for="a;host=evil.example"', 'host=api.github.com'))),
      fc.tuple(fc.constantFrom('x-forwarded-for', 'x-real-ip', 'x-request-id', 'x-forwarded-proto', 'x-forwarded-port'), fc.constantFrom('192.0.2.1', 'https', '443', 'abc')),
    );
  const request = fc
    .record({ name: repo, query: fc.boolean(), viaProxy: fc.boolean() })
    .chain((r) => {
      const target = `/repos/acme/${r.name}${r.query ? '?per_page=1' : ''}`;
      return fc.record({ target: fc.constant(target), name: fc.constant(r.name), viaProxy: fc.constant(r.viaProxy), headers: fc.array(header(target), { maxLength: 4 }) });
    });
  test('extraction and the forwarded request', () => {
    let agreeing = 0;
    fc.assert(
      fc.property(request, ({ target, name, viaProxy, headers }) => {
        const sent: Record<string, string> = { ...GH };
        for (const [k, v] of headers) sent[k] = v;
        const clientHost = viaProxy ? 'github-proxy.corp.example' : undefined;
        const x = forward({ method: 'GET', url: target, headers: sent, ...(clientHost === undefined ? {} : { clientHost }) });
        const [op] = x.operations;
        if (x.forward === null) {
          expect(op?.error?.code).toBe(EXTRACT_CODES.targetOverride);
          return;
        }
        const decided = (op!.input as { resource?: { id?: string } }).resource?.id;
        expect(decided).toBe(`acme/${name}`);
        if (headers.some(([k]) => !/^x-(forwarded-(for|proto|port)|real-ip|request-id)$/.test(k))) agreeing++;
        const hosts = ['api.github.com', ...(clientHost === undefined ? [] : [clientHost])];
        for (const route of ROUTERS) {
          const asSent = route(target, sent);
          expect(`acme/${asSent.repo}`).toBe(decided);
          expect(hosts).toContain(asSent.host);
          const asForwarded = route(x.forward.path, { ...x.forward.headers, host: 'api.github.com' });
          expect(asForwarded).toEqual({ host: 'api.github.com', repo: name });
        }
      }),
      { numRuns: 400 },
    );
    // The agreeing side is exercised, not only refusals.
    expect(agreeing).toBeGreaterThan(20);
  });
});
