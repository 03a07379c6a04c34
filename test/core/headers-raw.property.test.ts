import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerMapOfRaw, normalizeHeaders, type HttpHeaders } from '../../src/core/headers.js';

// The proxy reads headers as `normalizeHeaders({ ...req.headersDistinct, host: [decided] })` did;
// `headerMapOfRaw` builds the same map from the raw list in one pass. Node's own `headersDistinct`
// is the reference: names in any case, repeats, `__proto__`, `host` sent or not, twice or not.
function reference(raw: string[], host: string): [string, readonly string[]][] {
  const message = new IncomingMessage(new Socket());
  message.rawHeaders = raw;
  (message as unknown as { _addHeaderLines(h: string[], n: number): void })._addHeaderLines(raw, raw.length);
  return [...normalizeHeaders({ ...(message.headersDistinct as HttpHeaders), host: [host] })];
}

const name = fc.oneof(
  fc.constantFrom('Host', 'host', 'HOST', 'Authorization', 'authorization', 'Content-Type', 'x-a', 'X-A', '__proto__', 'constructor', 'toString', 'Set-Cookie', 'traceparent'),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/),
);
const value = fc.stringMatching(/^[ -~]{0,12}$/);

describe('headerMapOfRaw', () => {
  it('reads a raw header list as normalizeHeaders of headersDistinct with host set', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 12 }), fc.stringMatching(/^[a-z.]{1,12}$/), (pairs, host) => {
        const raw = pairs.flat();
        const map = headerMapOfRaw(raw, host);
        expect(map).not.toBeNull();
        expect([...map!]).toEqual(reference(raw, host));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves a name an object would list first (an array index) to the object reading', () => {
    expect(headerMapOfRaw(['X-A', '1', '7', 'seven'], 'h')).toBeNull();
    expect(reference(['X-A', '1', '7', 'seven'], 'h').map(([n]) => n)).toEqual(['7', 'x-a', 'host']);
  });
});
