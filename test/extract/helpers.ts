import { expect } from 'vitest';
import { extractDecisionInputs } from '../../src/extract/index.js';
import type { ExtractOptions, HttpRequest } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import type { Ir, IrOperation } from '../../src/ir/types.js';
import { DOMAINS_TOKEN, TIME, URL_COM, exampleIr } from './fixture.js';

/** The example repository's IR, loaded once per test file. */
export const ir: Ir = await exampleIr();

export const inventory: ExtractOptions['inventory'] = {
  resources: {
    'vol-prod': { kind: 'volume', environment: 'production', project: 'pocketos' },
    'vol-staging': { kind: 'volume', environment: 'staging', project: 'pocketos' },
    'svc-web': { kind: 'service', project: 'pocketos' },
    'svc-prod-only': { kind: 'service', environment: 'production', project: 'pocketos' },
    'svc-staging-only': { kind: 'service', environment: 'staging', project: 'pocketos' },
    'svc-other': { kind: 'service', environment: 'staging', project: 'other-customer' },
    'env-other': { kind: 'environment', environment: 'staging', project: 'other-customer' },
  },
  environments: { 'env-prod-uuid': 'production', 'env-staging-uuid': 'staging', 'env-dev-uuid': 'development' },
  projects: { 'proj-uuid': 'pocketos' },
};

/** The example IR with its first API turned into a REST (`protocol: http`) API with these routes. */
export function httpIr(operations: IrOperation[]): Ir {
  const rest: Ir = structuredClone(ir);
  const api = rest.apis.find((a) => a.name === 'railway');
  if (!api) throw new Error('no api');
  api.protocol = 'http';
  api.operations = operations;
  return rest;
}

export function post(body: unknown, headers: Record<string, string> = {}, url = URL_COM): HttpRequest {
  return {
    method: 'POST',
    url,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${DOMAINS_TOKEN}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

export function run(request: HttpRequest, options: Partial<ExtractOptions> = {}) {
  return extractDecisionInputs(request, ir, { time: TIME, inventory, ...options });
}

export function ops(request: HttpRequest): (string | null)[] {
  return run(request).map((r) => r.operation);
}

export function errorCode(request: HttpRequest, options: Partial<ExtractOptions> = {}): string | undefined {
  const out = run(request, options);
  expect(out).toHaveLength(1);
  const [only] = out;
  expect(only?.operation).toBeNull();
  expect(only?.input.operation).toBeUndefined();
  expect(typeof only?.input.error).toBe('string');
  // The policy must deny it: no operation means input:invalid.
  const decision = evaluate(ir, only?.input);
  expect(decision.mode).toBe('deny');
  expect(decision.rule).toBe('input:invalid');
  return only?.error?.code;
}
