// Hostile input through the opa_eval fast path: random bytes, mutated JSON, huge and deep
// documents. The module may answer with a decision or abort cleanly through `opa_abort`; it must
// never trap, hang, grow memory across calls, or allow what the reference evaluator would not
// allow for the value the module itself parsed.
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileIr } from '../../src/compile/index.js';
import { memoryMinPages } from '../../src/compile/link.js';
import { loadDecisionEngine } from '../../src/engine/sdk.js';
import { evaluate } from '../../src/evaluate/index.js';
import type { BundleData, Decision, Ir } from '../../src/ir/types.js';
import { exampleIr, useBuiltRuntime } from '../compile/support.js';
import { GoStyleHost, HostAbort } from '../differential/go-host.js';

const encoder = new TextEncoder();
const STAGING_DEPLOY = 'sha256:a9feae219679d3b7f901187b4cf01f381a5ee43e1715315afe89b9f82e147eb0';
/** An input the example policies allow: a staging deploy with the staging token. */
const ALLOWED = {
  api: 'railway',
  operation: { name: 'serviceInstanceRedeploy', type: 'mutation' },
  resource: { kind: 'service', id: 'svc_1', environment: 'staging', project: 'pocketos' },
  token: { fingerprint: STAGING_DEPLOY },
  identity: { originator: 'user:jer', tenant: 'pocketos', verified: true },
  attempt: 1,
  time: '2026-04-25T21:14:03Z',
};

let ir: Ir;
let wasm: Uint8Array;
let data: BundleData;
let host: GoStyleHost;

beforeAll(async () => {
  useBuiltRuntime();
  ir = await exampleIr();
  ({ wasm, data } = compileIr(ir));
  host = new GoStyleHost(wasm, data, memoryMinPages(wasm));
});

/** Runs raw bytes; a clean abort is an acceptable answer, any other exception (a trap) is not. */
function run(bytes: Uint8Array, entrypoint = 0): { aborted: true } | { aborted: false; result: unknown } {
  try {
    return { aborted: false, result: host.evalText(bytes, entrypoint) };
  } catch (e) {
    if (e instanceof HostAbort) return { aborted: true };
    throw e;
  }
}

function checkNoSilentAllow(bytes: Uint8Array): void {
  const out = run(bytes);
  if (out.aborted) return;
  const decision = out.result as Decision;
  expect(typeof decision.allow).toBe('boolean');
  if (decision.allow) {
    // Allowed only if the reference evaluator allows the value the module parsed.
    expect(evaluate(ir, host.parsed(bytes), data).allow).toBe(true);
  }
  expect(run(bytes, 1)).toEqual(out.aborted ? { aborted: true } : { aborted: false, result: decision.allow });
}

function mutate(text: Uint8Array, edits: { at: number; op: number; byte: number }[]): Uint8Array {
  const bytes = [...text];
  for (const e of edits) {
    const at = bytes.length === 0 ? 0 : e.at % bytes.length;
    if (e.op === 0) bytes[at] = e.byte;
    else if (e.op === 1) bytes.splice(at, 0, e.byte);
    else if (e.op === 2) bytes.splice(at, 1);
    else bytes.length = at;
  }
  return Uint8Array.from(bytes);
}

describe('fuzzing the opa_eval fast path', () => {
  it('random bytes never trap and never allow', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const out = run(bytes);
        if (!out.aborted) expect((out.result as Decision).allow).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated JSON of an allowed input never traps and never allows beyond the reference', () => {
    const base = encoder.encode(JSON.stringify(ALLOWED));
    expect(run(base)).toEqual({ aborted: false, result: evaluate(ir, ALLOWED, data) });
    expect((evaluate(ir, ALLOWED, data) as Decision).allow).toBe(true);
    const edit = fc.record({
      at: fc.nat(),
      op: fc.nat(3),
      byte: fc.constantFrom(0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x3a, 0x2c, 0x30, 0x31, 0x2e, 0x65, 0x00, 0x80, 0xff, 0xc3, 0x20, 0x74, 0x6e),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => checkNoSilentAllow(mutate(base, edits))),
      { numRuns: 4000 },
    );
  });

  it('mutated input values (wrong types at every field) are denied exactly like the reference', () => {
    const paths = ['api', 'operation', 'operation.name', 'operation.type', 'resource', 'resource.environment', 'token', 'token.fingerprint', 'identity', 'identity.verified', 'attempt', 'time'];
    const values = [null, 0, -1, 1.5, 1e308, true, '', 'x', [], {}, [ALLOWED], { ...ALLOWED }];
    for (const p of paths) {
      for (const v of values) {
        const input = structuredClone(ALLOWED) as Record<string, unknown>;
        const keys = p.split('.');
        let obj = input;
        for (const k of keys.slice(0, -1)) obj = obj[k] as Record<string, unknown>;
        obj[keys[keys.length - 1]!] = v;
        expect(host.eval(input, 0), `${p} = ${JSON.stringify(v)}`).toEqual(evaluate(ir, input, data));
      }
    }
  });
});

describe('hostile documents', () => {
  it('a 1 MB input is decided like the reference, and memory does not grow across calls', () => {
    const big = { ...ALLOWED, padding: 'x'.repeat(1 << 20), api: 'railway' };
    const bytes = encoder.encode(JSON.stringify(big));
    expect(run(bytes)).toEqual({ aborted: false, result: evaluate(ir, big, data) });
    const after = host.memoryBytes();
    for (let i = 0; i < 50; i++) run(bytes);
    expect(host.memoryBytes()).toBe(after);
  });

  it('a 1 MB api name is reported, not truncated or trapped on', () => {
    const input = { ...ALLOWED, api: 'a'.repeat(1 << 20) };
    expect(run(encoder.encode(JSON.stringify(input)))).toEqual({ aborted: false, result: evaluate(ir, input, data) });
  });

  it('depth 10,000 is denied (the parser refuses it) or aborted, never allowed', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    for (const text of [deep, `{"api":"railway","x":${deep}}`, `{"api":"railway","operation":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`]) {
      const out = run(encoder.encode(text));
      if (!out.aborted) expect((out.result as Decision).allow).toBe(false);
    }
    // The same through the official SDK and the DecisionEngine wrapper.
    let nested: unknown = ALLOWED;
    for (let i = 0; i < 10_000; i++) nested = [nested];
    return loadDecisionEngine(wasm, data).then((engine) => {
      let allowed: boolean | 'aborted';
      try {
        allowed = engine.allow({ ...ALLOWED, extra: nested });
      } catch (e) {
        expect(e).toMatchObject({ code: 'BG121' });
        allowed = 'aborted';
      }
      expect(allowed).not.toBe(true);
    });
  });

  it('the SDK fast path with raw ArrayBuffer input: random bytes never trap, never allow', async () => {
    const policy = await loadPolicy(wasm, { initial: Math.max(5, memoryMinPages(wasm)) });
    policy.setData(data);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (bytes) => {
        let rs: unknown;
        try {
          rs = policy.evaluate(bytes.slice().buffer, 0);
        } catch (e) {
          // The SDK throws opa_abort messages as strings; a trap would be a RuntimeError.
          expect(typeof e).toBe('string');
          return;
        }
        expect((rs as { result: Decision }[])[0]!.result.allow).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
