// The proxy under test, with real parts: the example policies compiled and signed into a bundle
// file, an enforcer activating it (verified), and the reverse proxy in front of a real upstream.
import { catalogOfIr, type IrCatalog } from '../../src/ir/catalog.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleFiles, packBundle } from '../../src/bundle/index.js';
import { compileIr } from '../../src/compile/index.js';
import { createEnforcer, type Enforcer } from '../../src/enforce/index.js';
import { inventoryOf, type Inventory } from '../../src/extract/index.js';
import type { Decision, Ir } from '../../src/ir/types.js';
import { startReverseProxy, type ReverseProxy, type ReverseProxyOptions } from '../../src/proxy/index.js';
import { loadSigningKey, signBundleFiles } from '../../src/sign/index.js';
import { loadVerificationKey, singleKeyConfig } from '../../src/verify/index.js';
import { testKeys } from '../bundle/fixtures.js';
import { exampleIr, useBuiltRuntime } from '../compile/support.js';

export const DOMAINS_TOKEN = 'fake-railway-custom-domains-cli-token';
export const IDS = {
  volume: '3d2c42fb-0000-4000-8000-000000000000',
  project: '1c0ffee0-0000-4000-8000-000000000001',
  staging: '5e7a9e00-0000-4000-8000-000000000002',
  production: '9d0d0000-0000-4000-8000-000000000003',
  service: '5e7a9e00-0000-4000-8000-0000000000a1',
};

/** The PocketOS inventory (test/incidents/pocketos-volume-delete.yaml and domains-token-legitimate-use.yaml). */
export const RAILWAY_INVENTORY: Inventory = inventoryOf([
  { id: IDS.volume, kind: 'volume', environment: 'production', project: 'pocketos' },
  { id: IDS.project, kind: 'project', project: 'pocketos' },
  { id: IDS.staging, kind: 'environment', environment: 'staging' },
  { id: IDS.production, kind: 'environment', environment: 'production' },
  { id: IDS.service, kind: 'service', project: 'pocketos' },
]);

export type Enforcement = 'normal' | 'shadow-all' | 'lockdown';

export interface Signed {
  ir: Ir;
  /** A signed bundle of the example policies with the panic flag set to `enforcement` (and another api catalog, when given). */
  bundle(revision: string, sequence: number, enforcement?: Enforcement, catalog?: IrCatalog): Promise<Uint8Array>;
  verificationPem: Uint8Array;
}

let cached: Promise<Signed> | undefined;

/** A fresh temporary directory holding `bundle.tar.gz` (revision r1, sequence 1) and `key.pem`, as `blastguard proxy` reads them. */
export async function signedBundleDir(prefix: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const signed = await signedPolicies();
  writeFileSync(path.join(dir, 'bundle.tar.gz'), await signed.bundle('r1', 1));
  writeFileSync(path.join(dir, 'key.pem'), signed.verificationPem);
  return dir;
}

export function signedPolicies(): Promise<Signed> {
  cached ??= (async () => {
    useBuiltRuntime();
    const ir = await exampleIr();
    const compiled = compileIr(ir);
    const keys = testKeys('ES256', 'proxy');
    const key = loadSigningKey(keys.signing, 'ES256');
    return {
      ir,
      verificationPem: keys.verification,
      bundle: async (revision, sequence, enforcement = 'normal', catalog = catalogOfIr(ir)) => {
        const data = enforcement === 'normal' ? compiled.data : withEnforcement(compiled.data, enforcement);
        const files = bundleFiles({ wasm: compiled.wasm, data, catalog, revision, entrypoints: compiled.entrypoints, metadata: { compiler: 'blastguard test', sequence } });
        return packBundle(files, await signBundleFiles(files, { key }));
      },
    };
  })();
  return cached;
}

function withEnforcement(data: unknown, enforcement: Enforcement): unknown {
  const root = data as Record<string, Record<string, unknown>>;
  return { ...root, blastguard: { ...root['blastguard'], overrides: { enforcement, reason: 'proxy test', expires: '2099-01-01T00:00:00Z' } } };
}

export interface Harness {
  proxy: ReverseProxy;
  enforcer: Enforcer;
  /** Every input decided, with its decision, in order. */
  decided: { input: Record<string, unknown>; decision: Decision }[];
  bundleFile: string;
  /** Writes a new bundle where the enforcer reads it and checks the source (what the poller does). */
  publish(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(upstreams: ReverseProxyOptions['upstreams'], options: Partial<ReverseProxyOptions> & { enforcement?: Enforcement; poll?: boolean } = {}): Promise<Harness> {
  const signed = await signedPolicies();
  const dir = mkdtempSync(path.join(tmpdir(), 'bg-proxy-'));
  const bundleFile = path.join(dir, 'bundle.tar.gz');
  writeFileSync(bundleFile, await signed.bundle('r1', 1, options.enforcement));
  const enforcer = createEnforcer({
    source: bundleFile,
    verification: singleKeyConfig(loadVerificationKey(signed.verificationPem, 'ES256')),
    poll: options.poll ?? false,
    ...(options.poll === true ? { sourceOptions: { polling: { minDelaySeconds: 0.2, maxDelaySeconds: 0.3 } } } : {}),
  });
  await enforcer.refresh();
  const decided: Harness['decided'] = [];
  const recording: ReverseProxyOptions['enforcer'] = {
    catalog: () => enforcer.catalog(),
    status: () => enforcer.status(),
    metrics: enforcer.metrics,
    decide: (input, context) => {
      const decision = enforcer.decide(input, context);
      decided.push({ input: input as Record<string, unknown>, decision });
      return decision;
    },
  };
  const proxy = await startReverseProxy({
    inventories: new Map([['railway', RAILWAY_INVENTORY]]),
    port: 0,
    upstreamTimeoutMs: 5_000,
    upstreams,
    ...options,
    enforcer: recording,
  });
  return {
    proxy,
    enforcer,
    decided,
    bundleFile,
    publish: async (bytes) => {
      writeFileSync(bundleFile, bytes);
    },
    close: async () => {
      await proxy.close();
      await enforcer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
