// A decision-log line written by EventLineWriter (src/enforce/event-line.ts) must be exactly the
// reference line, JSON.stringify(buildEvent(record, labels)), for every input: decision inputs,
// hostile values, credentials, and everything maskInput rewrites.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEvent, type DecisionRecord } from '../../src/enforce/event.js';
import { EventLineWriter } from '../../src/enforce/event-line.js';
import type { Decision } from '../../src/ir/types.js';

const LABELS = Object.freeze({ id: 'enforcer-1', version: '0.1.0', 'weird "label"': 'line\nbreak ✓' });

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const ALLOW: Decision = deepFreeze(JSON.parse(
  '{"allow":true,"class":"write","enforced":false,"enforcement":"normal","environment":"staging","environment_assumed":false,"mode":"allow","reasons":["Domain changes outside production are routine."],"rule":"railway-staging/domains","violations":[],"would_deny":false}',
) as Decision);

const BENCH_INPUT = {
  api: 'railway',
  operation: { name: 'customDomainCreate', type: 'mutation' },
  resource: { kind: 'service', id: '5e7a9e00-0000-4000-8000-0000000000a1', environment: 'staging', project: 'pocketos' },
  token: { fingerprint: 'sha256:a31461b13ff7c184b6334d1d7bf0f2ff2cc2275628460cfa7f8fefabd386ed6e' },
  identity: { verified: false },
  time: '2026-12-01T03:17:32.590Z',
};

function record(input: unknown, extra: Partial<DecisionRecord> = {}): DecisionRecord {
  return { input, result: ALLOW, bundle: { name: 'main', revision: 'r1' }, timeMs: 1_764_558_000_123, durationNs: 1234, decisionId: '00000000-0000-4000-8000-000000000001', ...extra };
}

type Outcome = { line: string } | { error: string };

function reference(r: DecisionRecord): Outcome {
  try {
    return { line: JSON.stringify(buildEvent(r, LABELS)) };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

/** What DecisionLog does: the writer's line, else the reference's. */
function written(w: EventLineWriter, r: DecisionRecord): Outcome & { fast?: boolean } {
  try {
    const line = w.line(r);
    return line === undefined ? reference(r) : { line, fast: true };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

/** A new decision id is random: compared by its shape. */
function withoutNewId(o: Outcome, r: DecisionRecord): Outcome {
  if (r.decisionId !== undefined || !('line' in o)) return o;
  return { line: o.line.replace(/"decision_id":"[0-9a-f-]{36}"/, '"decision_id":"(new)"') };
}

function same(w: EventLineWriter, r: DecisionRecord): boolean | undefined {
  const got = written(w, r);
  const { fast, ...outcome } = got;
  expect(withoutNewId(outcome, r)).toEqual(withoutNewId(reference(r), r));
  return fast;
}

describe('EventLineWriter', () => {
  const w = new EventLineWriter(LABELS);

  it('writes the reference line for the proxy bench input, and for the same record twice', () => {
    expect(same(w, record(BENCH_INPUT))).toBe(true);
    expect(same(w, record(BENCH_INPUT, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }))).toBe(true);
    expect(same(w, record(BENCH_INPUT, { bundle: null, decisionId: undefined }))).toBe(true);
  });

  it('writes JSON text and bytes inputs as the reference parses them, and text that is not JSON by its fingerprint', () => {
    const text = JSON.stringify(BENCH_INPUT);
    expect(same(w, record(undefined, { json: text }))).toBe(true);
    expect(same(w, record(undefined, { json: new TextEncoder().encode(text) }))).toBe(true);
    expect(same(w, record(undefined, { json: '{"password": "hunter2", ' }))).toBe(true);
    expect(same(w, record(undefined, { json: '{"__proto__": {"a": 1}, "b": 2}' }))).toBe(undefined);
  });

  it('masks credentials, control characters, long strings, depth and width as maskInput does', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20; i++) deep = { [`l${i}`]: deep, arr: [deep] };
    const cases: unknown[] = [
      { headers: { Authorization: 'Bearer s3cret', note: 'a\u0007b', 'set-cookie': ['session=S', 'x'] }, password: 'hunter2', pin: 1234, big: 10n, secretBig: { token: 12n } },
      { token: { fingerprint: 'family:ghp_' }, apiKey: { fingerprint: 'family:ghp_', other: 'family:ghp_' }, auth: `sha256:${'a'.repeat(64)}` },
      { long: 'x'.repeat(500), longUnicode: '✓'.repeat(300), pair: `${'a'.repeat(199)}😀tail`, quote: 'say "hi" \\ there', nl: 'a\nb\u2028c', del: '\u007f', lone: '\ud800x' },
      { nums: [0, -0, 1.5, -2e-7, 1e21, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, Number.MAX_VALUE], bools: [true, false], nil: null, undef: undefined, arr: [undefined, () => 1, Symbol('s')] },
      { fn: function named() { return 1; }, sym: Symbol('desc'), date: new Date(0), map: new Map([[1, 2]]), re: /x/g, boxed: new String('ab'), typed: new Uint8Array([1, 2]) },
      // eslint-disable-next-line no-sparse-arrays
      { holes: [1, , 3], wide: Array.from({ length: 300 }, (_, i) => i), wideObject: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])) },
      { 10: 'ten', 2: 'two', b: 1, a: 2, '4294967295': 'not an index', '-1': 'neg' },
      deep,
      Object.assign(Object.create(null) as object, { a: 1, token: 'x' }),
      Object.create({ inherited: 1 }, { own: { value: 2, enumerable: true }, hidden: { value: 3, enumerable: false } }),
      'top-level string',
      42,
      undefined,
      null,
      [1, 'two', { three: 3 }],
      { toJSON: () => 'never called', nested: { toJSON: 1 } },
      { getter: 1, get computed() { return 'from a getter'; } },
      { 'ünï': 'côdé', 'k"q': 1, 'back\\slash': 2, [('k'.repeat(200))]: 'at the cut' },
    ];
    for (const input of cases) expect(same(w, record(input))).toBe(true);
  });

  it('hands what the reference writes differently back to it: proxies, array subclasses, keys maskInput rewrites', () => {
    class List extends Array<unknown> {}
    const cases: unknown[] = [
      new Proxy({ a: 1 }, {}),
      { inner: new Proxy([1, 2], {}) },
      { list: List.from([1, 2]) },
      JSON.parse('{"__proto__": {"x": 1}, "y": 2}'),
      JSON.parse('{"__proto__": "s", "y": 2}'),
      { 'a\u0001': 1, 'a\\x01': 2 },
      { ['k'.repeat(201)]: 1, ['k'.repeat(202)]: 2 },
      { 'line\u2028sep': 1 },
    ];
    for (const input of cases) expect(same(w, record(input))).toBe(undefined);
  });

  it('hands every line back to the reference while Object.prototype or Array.prototype has a toJSON', () => {
    for (const proto of [Object.prototype, Array.prototype] as { toJSON?: unknown }[]) {
      proto.toJSON = function toJSON(): string {
        return 'polluted';
      };
      try {
        expect(same(w, record(BENCH_INPUT))).toBe(undefined);
      } finally {
        delete proto.toJSON;
      }
    }
    expect(same(w, record(BENCH_INPUT))).toBe(true);
  });

  it('throws what the reference throws: a getter that throws, an invalid time', () => {
    expect(written(w, record({ get boom(): never { throw new TypeError('no'); } }))).toEqual({ error: 'TypeError' });
    expect(reference(record({ get boom(): never { throw new TypeError('no'); } }))).toEqual({ error: 'TypeError' });
    expect(same(w, record(BENCH_INPUT, { timeMs: Number.NaN }))).toBe(undefined);
  });

  it('writes decisions that are not frozen (enforcer denials) afresh each time, and a changed one as changed', () => {
    const deny = { allow: false, mode: 'deny', enforced: true, would_deny: true, rule: 'enforcer:error', reasons: ['x'], violations: [], environment: null, environment_assumed: false, class: null, enforcement: null } as unknown as Decision;
    expect(same(w, record(BENCH_INPUT, { result: deny }))).toBe(true);
    (deny as unknown as { reasons: string[] }).reasons.push('changed');
    expect(same(w, record(BENCH_INPUT, { result: deny }))).toBe(true);
    expect(written(w, record(BENCH_INPUT, { result: deny }))).toMatchObject({ line: expect.stringContaining('"reasons":["x","changed"]') as unknown });
  });

  it('labels and a bundle name or decision id that need escaping', () => {
    const odd = new EventLineWriter({ 'a\u0000b': 'é', '10': 'ten', z: 'last' });
    const r = record({ a: 1 }, { bundle: { name: 'na"me', revision: 'rév\n' }, decisionId: 'id "quoted"' });
    expect(odd.line(r)).toBe(JSON.stringify(buildEvent(r, { 'a\u0000b': 'é', '10': 'ten', z: 'last' })));
  });

  it('writes the reference line for any JSON value (property)', () => {
    const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('token', 'Authorization', 'fingerprint', 'cookie', 'author', 'x-api-key', 'password', 'id', '0', '7', '__proto__'));
    const leaf = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.constantFrom(`sha256:${'b'.repeat(64)}`, 'family:ghp_', 'x'.repeat(210), '✓'.repeat(199) + '😀'),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.bigInt(),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('tree'), { maxLength: 4 }), fc.dictionary(key, tie('tree'), { maxKeys: 4 })),
    }));
    fc.assert(
      fc.property(tree, fc.option(fc.string({ maxLength: 40 })), fc.boolean(), (input, traceparent, asText) => {
        const json = asText ? JSON.stringify(input, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) : undefined;
        same(w, record(json === undefined ? input : undefined, { ...(json === undefined ? {} : { json }), ...(traceparent === null ? {} : { traceparent }) }));
      }),
      { seed: 20261201, numRuns: 2000 },
    );
  });

  it('anything at all (property)', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withObjectString: true, withBoxedValues: true }), (input) => {
        same(w, record(input));
      }),
      { seed: 20261202, numRuns: 2000 },
    );
  });
});
