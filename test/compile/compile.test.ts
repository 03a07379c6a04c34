import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileIr } from '../../src/compile/index.js';
import { linkProgram, memoryMinPages, readRuntime } from '../../src/compile/link.js';
import { encodeProgram } from '../../src/compile/program.js';
import { loadDecisionEngine } from '../../src/engine/sdk.js';
import { renderFixedConstants } from '../../src/compile/strings.js';
import { isBlastguardError } from '../../src/core/errors.js';
import { evaluate } from '../../src/evaluate/index.js';
import type { Ir, IrRule } from '../../src/ir/types.js';
import { REPO, exampleIr, useBuiltRuntime } from './support.js';

const CI_DOMAINS = 'sha256:a31461b13ff7c184b6334d1d7bf0f2ff2cc2275628460cfa7f8fefabd386ed6e';
const STAGING_DEPLOY = 'sha256:a9feae219679d3b7f901187b4cf01f381a5ee43e1715315afe89b9f82e147eb0';
const TIME = '2026-04-25T21:14:03Z';

let ir: Ir;
beforeAll(async () => {
  useBuiltRuntime();
  ir = await exampleIr();
});

describe('the fixed-string table', () => {
  it('engine/fixed.ts is generated from src/compile/strings.ts', () => {
    const file = path.join(REPO, 'src/compile/runtime/assembly/engine/fixed.ts');
    expect(readFileSync(file, 'utf8')).toBe(renderFixedConstants());
  });
});

describe('compileIr', () => {
  it('is deterministic: the same IR gives byte-identical modules', () => {
    const a = compileIr(ir);
    const b = compileIr(structuredClone(ir));
    expect(Buffer.from(a.wasm).equals(Buffer.from(b.wasm))).toBe(true);
    expect(a.entrypoints).toEqual(['blastguard/decision', 'blastguard/allow']);
  });

  it('leaves policy.wasm byte-identical when only tokens or overrides change', () => {
    const a = compileIr(ir);
    const changed: Ir = structuredClone(ir);
    changed.tokens = changed.tokens.map((t) => ({ ...t, expires: '2030-01-01T00:00:00Z', grants: [] }));
    changed.tokens.push({ name: 'extra', api: 'railway', fingerprint: `sha256:${'e'.repeat(64)}`, family: null, expires: null, grants: [] });
    changed.overrides = { enforcement: 'lockdown', reason: 'incident', expires: '2030-01-01T00:00:00Z' };
    const b = compileIr(changed);
    expect(Buffer.from(a.wasm).equals(Buffer.from(b.wasm))).toBe(true);
    expect(b.data).not.toEqual(a.data);
  });

  it('keeps the example repository module under 256 KB', () => {
    const { wasm } = compileIr(ir);
    expect(wasm.length).toBeLessThan(256 * 1024);
    // Fits the npm SDK's default memory, so any OPA host loads it without configuration.
    expect(memoryMinPages(wasm)).toBeLessThanOrEqual(5);
  });

  it('raises the memory import for large programs, and the SDK wrapper provides it', async () => {
    const big: Ir = structuredClone(ir);
    const rules: IrRule[] = [];
    for (let i = 0; i < 4000; i++) {
      rules.push({
        id: `bulk/r${i}`,
        mode: 'shadow',
        reason: `rule number ${i} with a reason long enough to take some room in the program`,
        match: { operations: { any: false, names: [`op${i}`], classes: [] }, environments: ['staging'], resources: null, tokens: null, identity: null, attempt: null },
      });
    }
    big.policies.push({ name: 'zz-bulk', api: 'railway', owners: [], rules });
    const { wasm, data } = compileIr(big);
    expect(memoryMinPages(wasm)).toBeGreaterThan(5);
    const engine = await loadDecisionEngine(wasm, data);
    const input = { api: 'railway', operation: { name: 'op3999' }, resource: { environment: 'staging' }, token: { fingerprint: STAGING_DEPLOY }, time: TIME };
    expect(engine.decide(input)).toEqual(evaluate(big, input));
    expect(engine.decide(input).violations.map((v) => v.rule)).toContain('bulk/r3999');
  });

  it('reports a missing runtime as BG110 with a build hint', () => {
    try {
      readRuntime(path.join(REPO, 'dist', 'no-such-runtime.wasm'));
      expect.unreachable();
    } catch (e) {
      expect(isBlastguardError(e) && e.code).toBe('BG110');
      expect(isBlastguardError(e) && e.help).toContain('npm run build');
    }
  });

  it('rejects a module without the program marker (BG111)', () => {
    const wasm = compileIr(ir).wasm;
    // A linked module has its marker filled in but still carries the magic; a foreign module does not.
    const foreign = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(() => linkProgram(foreign, encodeProgram(ir))).toThrow(expect.objectContaining({ code: 'BG111' }));
    expect(wasm.length).toBeGreaterThan(0);
  });

  it('rejects an API without protected environments (BG101)', () => {
    const broken: Ir = structuredClone(ir);
    broken.apis[0]!.protectedEnvironments = [];
    expect(() => compileIr(broken)).toThrow(expect.objectContaining({ code: 'BG101' }));
  });
});

describe('README examples through the official SDK', () => {
  const volumeDelete = {
    api: 'railway',
    operation: { name: 'volumeDelete', type: 'mutation' },
    resource: { kind: 'volume', id: 'vol_9x', environment: 'production', project: 'pocketos' },
    token: { fingerprint: CI_DOMAINS },
    identity: { originator: 'user:jer', tenant: 'pocketos', causation: '00-abc-01', verified: true },
    attempt: 1,
    time: TIME,
  };

  it('decides the 2026 volumeDelete exactly as README "Output" shows', async () => {
    const { wasm, data } = compileIr(ir);
    const engine = await loadDecisionEngine(wasm, data);
    expect(engine.decide(volumeDelete)).toEqual({
      allow: false,
      mode: 'deny',
      enforced: true,
      would_deny: true,
      rule: 'railway-production/no-destructive-in-production',
      reasons: ['Irreversible in production; the backups share the volume.', 'token ci-domains has no grant for volumeDelete in production'],
      violations: [
        { kind: 'rule', rule: 'railway-production/no-destructive-in-production', mode: 'deny' },
        { kind: 'token-scope', rule: 'token:scope', mode: 'deny', token: 'ci-domains' },
      ],
      environment: 'production',
      environment_assumed: false,
      class: 'destructive',
      enforcement: 'normal',
    });
    expect(engine.allow(volumeDelete)).toBe(false);
  });

  it('agrees with the reference evaluator on every README and policy-model situation', async () => {
    const { wasm, data } = compileIr(ir);
    const engine = await loadDecisionEngine(wasm, data);
    const staging = { ...volumeDelete.resource, environment: 'staging' };
    const cases: unknown[] = [
      volumeDelete,
      // Environment missing or unknown: the most protected one is assumed.
      { ...volumeDelete, resource: { kind: 'volume', id: 'vol_9x' } },
      { ...volumeDelete, resource: { ...volumeDelete.resource, environment: 'prod' } },
      // Domains token in staging: allowed by railway-staging/domains and its grant.
      { ...volumeDelete, operation: { name: 'customDomainCreate' }, resource: staging },
      { ...volumeDelete, operation: { name: 'customDomainCreate' }, resource: { ...staging, environment: 'production' } },
      // Token cases: missing, unknown, expired, scope.
      { ...volumeDelete, token: null },
      { ...volumeDelete, token: { fingerprint: `sha256:${'0'.repeat(64)}` } },
      { ...volumeDelete, time: '2028-01-01T00:00:00Z' },
      { ...volumeDelete, operation: { name: 'serviceInstanceRedeploy' }, resource: staging, token: { fingerprint: STAGING_DEPLOY } },
      { ...volumeDelete, operation: { name: 'serviceInstanceRedeploy' }, resource: staging, token: { fingerprint: STAGING_DEPLOY }, attempt: 2 },
      // Identity and retries.
      { ...volumeDelete, identity: { tenant: 'pocketos' } },
      { ...volumeDelete, resource: staging, attempt: 2 },
      // Uncatalogued operations, classified by name.
      { ...volumeDelete, operation: { name: 'fancyThingDelete' }, resource: staging },
      { ...volumeDelete, operation: { name: 'DBDelete' }, resource: staging },
      { ...volumeDelete, operation: { name: 'listThings', type: 'query' }, resource: staging },
      // Invalid input and unknown API.
      { ...volumeDelete, attempt: 0 },
      { ...volumeDelete, time: '2026-02-30T00:00:00Z' },
      { ...volumeDelete, api: 'github' },
      { ...volumeDelete, operation: {} },
      undefined,
      null,
      'volumeDelete',
    ];
    for (const input of cases) {
      expect(engine.decide(input), JSON.stringify(input)).toEqual(evaluate(ir, input, data));
      expect(engine.allow(input)).toBe(evaluate(ir, input, data).allow);
    }
  });

  it('applies the panic flag from data: shadow-all softens, lockdown denies, expired overrides lapse', async () => {
    const { wasm, data } = compileIr(ir);
    const cases: [typeof data.blastguard.overrides, string][] = [
      [{ enforcement: 'shadow-all', reason: 'misfire', expires: '2026-05-01T00:00:00Z' }, 'shadow'],
      [{ enforcement: 'lockdown', reason: 'incident under way', expires: '2026-05-01T00:00:00Z' }, 'deny'],
      [{ enforcement: 'shadow-all', reason: 'misfire', expires: '2026-04-01T00:00:00Z' }, 'deny'],
    ];
    for (const [overrides, mode] of cases) {
      const patched = { blastguard: { ...data.blastguard, overrides } };
      const engine = await loadDecisionEngine(wasm, patched);
      expect(engine.decide(volumeDelete).mode).toBe(mode);
      expect(engine.decide(volumeDelete)).toEqual(evaluate(ir, volumeDelete, patched));
      const read = { ...volumeDelete, operation: { name: 'project', type: 'query' } };
      expect(engine.decide(read)).toEqual(evaluate(ir, read, patched));
    }
  });

  it('escapes every output string, even when each byte needs \\u00xx', async () => {
    const nasty = '\u0001"\\\n\r\t\u001f'.repeat(200);
    const custom: Ir = structuredClone(ir);
    const policy = custom.policies[0]!;
    policy.rules = policy.rules.map((r) => ({ ...r, reason: `${nasty}${r.reason ?? ''}` }));
    const { wasm, data } = compileIr(custom);
    const token = Object.values(data.blastguard.tokens)[0]!;
    token.name = nasty;
    token.expires = '2026-01-01T00:00:00Z';
    const engine = await loadDecisionEngine(wasm, data);
    for (const input of [
      { ...volumeDelete },
      { ...volumeDelete, api: nasty },
      { ...volumeDelete, time: '2026-01-02T00:00:00Z', operation: { name: `x${nasty}Delete` } },
      { ...volumeDelete, time: '2025-01-02T00:00:00Z', operation: { name: `x${nasty}Create` }, resource: { environment: 'staging' } },
    ]) {
      expect(engine.decide(input)).toEqual(evaluate(custom, input, data));
    }
  });

  it('reports undefined input as `input is missing` and falsy inputs as what they are', async () => {
    const { wasm, data } = compileIr(ir);
    const engine = await loadDecisionEngine(wasm, data);
    expect(engine.decide(undefined).reasons).toEqual(['input is missing']);
    for (const falsy of [null, false, 0, '']) {
      expect(engine.decide(falsy).reasons).toEqual(['input must be an object']);
    }
  });
});
