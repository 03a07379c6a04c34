// Signed bundles for the enforcer tests, built from the example policies with the real compiler
// and signer: revisions with an increasing `metadata.sequence`, one signed by another key, one
// with a swapped signature, one whose module traps, one that does not instantiate.
import { bundleFiles, gzipDeterministic, packBundle, readTarGz, writeTar } from '../../src/bundle/index.js';
import { compileIr } from '../../src/compile/index.js';
import { loadDecisionEngine } from '../../src/engine/index.js';
import { catalogOfIr } from '../../src/ir/catalog.js';
import type { Decision, Ir } from '../../src/ir/types.js';
import { withLockdown } from '../../src/enforce/index.js';
import { loadSigningKey, signBundleFiles, type SigningKey } from '../../src/sign/index.js';
import { loadVerificationKey, singleKeyConfig, type VerificationConfig } from '../../src/verify/index.js';
import { testKeys } from '../bundle/fixtures.js';
import { exampleIr, useBuiltRuntime } from '../compile/support.js';

export interface Inputs {
  allow: unknown;
  deny: unknown;
  shadow: unknown;
  /** Allowed normally, denied under lockdown (a destructive call outside production). */
  lockable: unknown;
}

export interface EnforceFixtures {
  ir: Ir;
  verification: VerificationConfig;
  verificationPem: Uint8Array;
  signingPem: Uint8Array;
  /** A signed bundle of the example policies at `revision` with `metadata.sequence` (and their api catalog unless `catalog: false`, as bundles built before they carried one). */
  bundle(revision: string, sequence?: number, options?: { key?: SigningKey; wasm?: Uint8Array; catalog?: false | unknown }): Promise<Uint8Array>;
  otherKey: SigningKey;
  /** `a` with the `.signatures.json` of `b`. */
  swapSignature(a: Uint8Array, b: Uint8Array): Promise<Uint8Array>;
  trappingModule: Uint8Array;
  brokenModule: Uint8Array;
  inputs: Inputs;
  expected: (input: unknown) => Promise<Decision>;
}

/** A minimal module with the exports the direct engine needs, whose `opa_eval` is `unreachable`. */
function trappingWasm(): Uint8Array {
  const section = (id: number, body: number[]): number[] => [id, body.length, ...body];
  const str = (s: string): number[] => [s.length, ...Buffer.from(s)];
  const i32 = 0x7f;
  const types = [4, 0x60, 1, i32, 1, i32, 0x60, 0, 1, i32, 0x60, 2, i32, i32, 1, i32, 0x60, 7, i32, i32, i32, i32, i32, i32, i32, 1, i32];
  const imports = [1, ...str('env'), ...str('memory'), 2, 0, 2];
  const funcs = [4, 0, 2, 1, 3];
  const exports = [4, ...str('opa_malloc'), 0, 0, ...str('opa_json_parse'), 0, 1, ...str('opa_heap_ptr_get'), 0, 2, ...str('opa_eval'), 0, 3];
  const body = (code: number[]): number[] => [code.length + 2, 0, ...code, 0x0b];
  const code = [4, ...body([0x41, 0x80, 0x08]), ...body([0x41, 0x80, 0x08]), ...body([0x41, 0x80, 0x10]), ...body([0x00])];
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, code)]);
}

let cached: Promise<EnforceFixtures> | undefined;

export function enforceFixtures(): Promise<EnforceFixtures> {
  cached ??= (async () => {
    useBuiltRuntime();
    const ir = await exampleIr();
    const compiled = compileIr(ir);
    const keys = testKeys('ES256', 'enforce');
    const other = testKeys('ES256', 'enforce-other');
    const key = loadSigningKey(keys.signing, 'ES256');
    const otherKey = loadSigningKey(other.signing, 'ES256');
    const bundle = async (revision: string, sequence?: number, options: { key?: SigningKey; wasm?: Uint8Array; catalog?: false | unknown } = {}): Promise<Uint8Array> => {
      const catalog = options.catalog === false ? undefined : (options.catalog ?? catalogOfIr(ir));
      const files = bundleFiles({
        ...(catalog === undefined ? {} : { catalog }),
        wasm: options.wasm ?? compiled.wasm,
        data: compiled.data,
        revision,
        entrypoints: compiled.entrypoints,
        metadata: { compiler: 'blastguard test', ...(sequence === undefined ? {} : { sequence }) },
      });
      return packBundle(files, await signBundleFiles(files, { key: options.key ?? key }));
    };
    const swapSignature = async (a: Uint8Array, b: Uint8Array): Promise<Uint8Array> => {
      const signatures = (await readTarGz(b)).find((e) => e.path === '.signatures.json')!;
      return gzipDeterministic(writeTar((await readTarGz(a)).map((e) => (e.path === '.signatures.json' ? signatures : e))));
    };
    const sdk = await loadDecisionEngine(compiled.wasm, compiled.data);
    const locked = await loadDecisionEngine(compiled.wasm, withLockdown(compiled.data, { mode: 'lockdown', reason: 'probe' }));
    const api = ir.apis.find((a) => a.name === 'railway')!;
    const found: Partial<Inputs> = {};
    const originators = [{ originator: 'alice@example.com' }, {}];
    for (const op of api.operations) {
      for (const environment of ['production', 'staging']) {
        for (const token of [...ir.tokens.map((t) => t.fingerprint)]) {
          for (const identity of originators) {
            const input = { api: api.name, operation: { name: op.name, type: op.type }, resource: { kind: op.resource?.kind ?? null, id: 'r1', environment, project: 'pocketos' }, token: { fingerprint: token }, identity, time: '2026-06-01T00:00:00Z' };
            const mode = sdk.decide(input).mode;
            found[mode] ??= input;
            if (mode !== 'deny' && locked.decide(input).mode === 'deny') found.lockable ??= input;
          }
        }
      }
    }
    if (found.allow === undefined || found.deny === undefined || found.shadow === undefined || found.lockable === undefined) throw new Error(`the example policies give no input for every mode: ${Object.keys(found).join(', ')}`);
    return {
      ir,
      verification: singleKeyConfig(loadVerificationKey(keys.verification, 'ES256')),
      verificationPem: keys.verification,
      signingPem: keys.signing,
      bundle,
      otherKey,
      swapSignature,
      trappingModule: trappingWasm(),
      brokenModule: Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x01, 0x05, 0xff]),
      inputs: found as Inputs,
      expected: async (input) => sdk.decide(input),
    };
  })();
  return cached;
}
