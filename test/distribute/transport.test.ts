import { describe, expect, it } from 'vitest';
import { HttpSource, MAX_REDIRECTS, Transport, backoffMs, isRetryableStatus, parseChallenge } from '../../src/distribute/index.js';

/** The transport's rules, with an injected fetch: no sockets. */
describe('transport', () => {
  it('retries only 408, 429 and 5xx', () => {
    expect([200, 304, 400, 401, 403, 404, 408, 429, 500, 502, 503, 599].filter(isRetryableStatus)).toEqual([408, 429, 500, 502, 503, 599]);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect([0, 1, 2, 3].map((a) => backoffMs(a, 100, 1000, () => 1))).toEqual([100, 200, 400, 800]);
    expect(backoffMs(10, 100, 1000, () => 1)).toBe(1000);
    expect(backoffMs(3, 100, 1000, () => 0)).toBe(0);
  });

  it('honours Retry-After and never sleeps for real when told not to', async () => {
    const waits: number[] = [];
    let calls = 0;
    const transport = new Transport({
      retries: 2,
      sleep: async (ms) => {
        waits.push(ms);
      },
      fetch: async () => (++calls < 3 ? new Response(null, { status: 429, headers: { 'retry-after': '2' } }) : new Response('ok', { status: 200 })),
    });
    const response = await transport.send({ url: 'https://bundles.example/b' });
    expect(Buffer.from(response.body).toString()).toBe('ok');
    expect(waits).toEqual([2000, 2000]);
  });

  it('follows at most MAX_REDIRECTS redirects, and drops credentials when the origin changes', async () => {
    const seen: [string, string | undefined][] = [];
    const transport = new Transport({
      fetch: async (url, init) => {
        seen.push([url, new Headers(init.headers).get('authorization') ?? undefined]);
        if (url.endsWith('/a')) return new Response(null, { status: 301, headers: { location: 'https://cdn.example/b' } });
        if (url.endsWith('/b')) return new Response(null, { status: 302, headers: { location: 'https://bundles.example/c' } });
        return new Response('x', { status: 200 });
      },
    });
    await transport.send({ url: 'https://bundles.example/a', authorization: { origin: 'https://bundles.example', value: 'Bearer t' } });
    // Once dropped, credentials do not come back when the chain returns to their origin.
    expect(seen).toEqual([
      ['https://bundles.example/a', 'Bearer t'],
      ['https://cdn.example/b', undefined],
      ['https://bundles.example/c', undefined],
    ]);
    expect(MAX_REDIRECTS).toBe(10);
  });

  it('refuses redirects to other schemes', async () => {
    const transport = new Transport({ fetch: async () => new Response(null, { status: 302, headers: { location: 'file:///etc/passwd' } }) });
    await expect(transport.send({ url: 'https://bundles.example/a' })).rejects.toMatchObject({ code: 'BG514' });
  });
});

describe('registry auth challenges', () => {
  it('parses quoted and token parameters', () => {
    expect(parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:org/p:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:org/p:pull' },
    });
    expect(parseChallenge('Basic realm=registry')).toEqual({ scheme: 'basic', params: { realm: 'registry' } });
    expect(parseChallenge('')).toBeUndefined();
  });
});

describe('poll schedule', () => {
  it('waits in [min, max], backs off after errors, and asks again at once while long polling', async () => {
    let status = 404;
    const fetch = async (): Promise<Response> =>
      status === 200
        ? new Response('bundle', { status, headers: { 'content-type': 'application/vnd.openpolicyagent.bundles', etag: '"b1"' } })
        : new Response(null, { status, headers: { 'content-type': 'application/vnd.openpolicyagent.bundles' } });
    const source = new HttpSource({ url: 'https://bundles.example/b', retries: 0, fetch, polling: { minDelaySeconds: 10, maxDelaySeconds: 40, longPollingTimeoutSeconds: 30 } });
    const ok = { etag: '', size: 0 };
    const between = (ms: number, low: number, high: number): boolean => ms >= low && ms <= high;
    const backoff: boolean[] = [];
    for (const [low, high] of [
      [5_000, 10_000],
      [10_000, 20_000],
      [20_000, 40_000],
      [20_000, 40_000],
    ] as const) {
      const update = await source.check();
      backoff.push(between(source.nextDelayMs(update), low, high));
    }
    expect(backoff).toEqual([true, true, true, true]);
    status = 200;
    const fresh = await source.check();
    source.accepted();
    expect(source.nextDelayMs(fresh)).toBe(0);
    // Bytes answered at once that the caller discarded as the bundle it runs (another etag for the
    // same bytes) were not held: the regular delay, not a busy loop.
    const again = await source.check();
    source.unchanged();
    expect(between(source.nextDelayMs(again), 10_000, 40_000)).toBe(true);
    // A server that answers 304 at once although asked to wait is not long polling: no tight loop.
    status = 304;
    const unchanged = await source.check();
    expect(unchanged.raw).toBeUndefined();
    expect(between(source.nextDelayMs(unchanged), 10_000, 40_000)).toBe(true);
    const plain = new HttpSource({ url: 'https://bundles.example/b', polling: { minDelaySeconds: 10, maxDelaySeconds: 20 } });
    expect(between(plain.nextDelayMs(ok), 10_000, 20_000)).toBe(true);
  });

  it('backs off exponentially after refused bundles, even while long polling', async () => {
    const fetch = async (): Promise<Response> => new Response('bundle', { status: 200, headers: { 'content-type': 'application/vnd.openpolicyagent.bundles' } });
    const source = new HttpSource({ url: 'https://bundles.example/b', retries: 0, fetch, polling: { minDelaySeconds: 10, maxDelaySeconds: 40, longPollingTimeoutSeconds: 30 } });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const update = await source.check();
      source.refused();
      delays.push(source.nextDelayMs(update));
    }
    const ranges = [
      [5_000, 10_000],
      [10_000, 20_000],
      [20_000, 40_000],
      [20_000, 40_000],
    ];
    expect(delays.map((d, i) => d >= ranges[i]![0]! && d <= ranges[i]![1]!)).toEqual([true, true, true, true]);
    const update = await source.check();
    source.accepted();
    expect(source.nextDelayMs(update)).toBe(0);
  });

  it('uses OPA defaults of 60 to 120 seconds', () => {
    const source = new HttpSource({ url: 'https://bundles.example/b' });
    const delays = Array.from({ length: 50 }, () => source.nextDelayMs({ etag: '', size: 0 }));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(60_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(120_000);
  });
});
