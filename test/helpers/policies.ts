import { yaml } from './fs.js';

/**
 * Small, valid documents for tests, each a YAML string. Tests concatenate them with `---` and
 * tweak lines to provoke one diagnostic at a time.
 */
export const API_RAILWAY = yaml(
  'apiVersion: blastguard.dev/v1',
  'kind: Api',
  'metadata: { name: railway }',
  'spec:',
  '  protocol: graphql',
  '  hosts: [backboard.railway.com]',
  '  environments: [production, staging]',
  '  protectedEnvironments: [production]',
  '  defaults: { read: allow, write: shadow, destructive: deny }',
  '  operations:',
  '    volumeDelete: { class: destructive }',
  '    customDomainCreate: { class: write }',
  '    customDomainDelete: { class: destructive }',
  '    project: { class: read, type: query }',
);

export const FUTURE = '2099-01-01T00:00:00Z';
export const FINGERPRINT_A = `sha256:${'a'.repeat(64)}`;
export const FINGERPRINT_B = `sha256:${'b'.repeat(64)}`;

export function token(name: string, fingerprint = FINGERPRINT_A, extra: string[] = []): string {
  return yaml(
    'apiVersion: blastguard.dev/v1',
    'kind: Token',
    `metadata: { name: ${name} }`,
    'spec:',
    '  api: railway',
    `  fingerprint: ${fingerprint}`,
    `  expires: ${FUTURE}`,
    '  grants:',
    '    - { operations: [customDomainCreate], environments: [staging] }',
    ...extra,
  );
}

/** A policy for `railway` whose rules are given as YAML lines (indented under `rules:`). */
export function policy(name: string, ...ruleLines: string[]): string {
  return yaml(
    'apiVersion: blastguard.dev/v1',
    'kind: Policy',
    `metadata: { name: ${name} }`,
    'spec:',
    '  api: railway',
    '  rules:',
    ...ruleLines,
  );
}

export function docs(...documents: string[]): string {
  return documents.join('---\n');
}
