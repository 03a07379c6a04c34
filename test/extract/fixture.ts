import { loadPolicySet } from '../../src/load/index.js';
import { buildIr } from '../../src/ir/build.js';
import type { Ir } from '../../src/ir/types.js';

/** The example repository's IR: extraction is tested against the real Railway catalog. */
export async function exampleIr(): Promise<Ir> {
  const { set, diagnostics } = await loadPolicySet('policies', { cwd: process.cwd() });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`policies/ does not load: ${JSON.stringify(errors)}`);
  return buildIr(set);
}

export const DOMAINS_TOKEN = 'fake-railway-custom-domains-cli-token';
export const DOMAINS_FP = 'sha256:a31461b13ff7c184b6334d1d7bf0f2ff2cc2275628460cfa7f8fefabd386ed6e';
export const DEPLOY_TOKEN = 'fake-railway-staging-deploy-project-token';
export const DEPLOY_FP = 'sha256:a9feae219679d3b7f901187b4cf01f381a5ee43e1715315afe89b9f82e147eb0';
export const URL_APP = 'https://backboard.railway.app/graphql/v2';
export const URL_COM = 'https://backboard.railway.com/graphql/v2';
export const TIME = '2026-04-24T21:00:00Z';
export const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
