import { describe, expect, test } from 'vitest';
import { EXTRACT_CODES } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import { errorCode, ir, post, run } from './helpers.js';

describe('resource arguments', () => {
  test('nested input paths from literals and from a variable object', () => {
    const literal = run(
      post({
        query:
          'mutation { customDomainCreate(input: { domain: "a.example", environmentId: "env-staging-uuid", projectId: "proj-uuid", serviceId: "svc-web" }) { id } }',
      }),
    );
    expect(literal[0]?.input.resource).toEqual({ kind: 'service', id: 'svc-web', environment: 'staging', project: 'pocketos' });
    const variable = run(
      post({
        query: 'mutation C($input: CustomDomainCreateInput!) { customDomainCreate(input: $input) { id } }',
        variables: { input: { domain: 'a.example', environmentId: 'env-prod-uuid', projectId: 'proj-uuid', serviceId: 'svc-web' } },
      }),
    );
    expect(variable[0]?.input.resource).toEqual({ kind: 'service', id: 'svc-web', environment: 'production', project: 'pocketos' });
    const mixed = run(
      post({
        query: 'mutation C($s: String!) { customDomainCreate(input: { serviceId: $s, environmentId: "staging", projectId: "proj-uuid", domain: "x" }) { id } }',
        variables: { s: 'svc-web' },
      }),
    );
    expect(mixed[0]?.input.resource).toEqual({ kind: 'service', id: 'svc-web', environment: 'staging', project: 'pocketos' });
  });

  test('an id missing from the inventory leaves the environment out, so the policy assumes production', () => {
    const out = run(post({ query: 'mutation { volumeDelete(volumeId: "vol-nobody-knows") }' }));
    expect(out[0]?.input.resource).toEqual({ kind: 'volume', id: 'vol-nobody-knows' });
    const decision = evaluate(ir, out[0]?.input);
    expect(decision.environment).toBe('production');
    expect(decision.environment_assumed).toBe(true);
  });

  test('an environment argument that disagrees with the inventory makes the request unparseable', () => {
    // Either way round: the server acts in one of them and the enforcer cannot tell which.
    expect(errorCode(post({ query: 'mutation { serviceInstanceRedeploy(serviceId: "svc-prod-only", environmentId: "env-staging-uuid") }' }))).toBe(
      EXTRACT_CODES.conflictingResource,
    );
    expect(errorCode(post({ query: 'mutation { serviceInstanceRedeploy(serviceId: "svc-staging-only", environmentId: "development") }' }))).toBe(
      EXTRACT_CODES.conflictingResource,
    );
    const [only] = run(post({ query: 'mutation { serviceInstanceRedeploy(serviceId: "svc-prod-only", environmentId: "env-staging-uuid") }' }));
    expect(only?.error?.message).toBe(
      '`serviceInstanceRedeploy`: argument `environmentId` names environment `staging`, but the inventory records `svc-prod-only` in `production`',
    );
    // Agreeing is fine.
    expect(run(post({ query: 'mutation { serviceInstanceRedeploy(serviceId: "svc-prod-only", environmentId: "env-prod-uuid") }' }))[0]?.input.resource).toEqual({
      kind: 'service',
      id: 'svc-prod-only',
      environment: 'production',
      project: 'pocketos',
    });
  });

  test('an environment argument the inventory does not know leaves the environment out, whatever the resource records', () => {
    const out = run(post({ query: 'mutation { serviceInstanceRedeploy(serviceId: "svc-staging-only", environmentId: "env-unknown") }' }));
    expect(out[0]?.input.resource).toEqual({ kind: 'service', id: 'svc-staging-only', project: 'pocketos' });
    expect(evaluate(ir, out[0]?.input).environment_assumed).toBe(true);
  });

  test('a project argument that disagrees with the inventory makes the request unparseable', () => {
    // A token scoped to pocketos must not reach another customer's service by naming its own project.
    const request = post({
      query: 'mutation { customDomainCreate(input: { serviceId: "svc-other", projectId: "pocketos", environmentId: "env-staging-uuid", domain: "x" }) { id } }',
    });
    expect(errorCode(request)).toBe(EXTRACT_CODES.conflictingResource);
    expect(run(request)[0]?.error?.message).toBe(
      '`customDomainCreate`: argument `input.projectId` names project `pocketos`, but the inventory records `svc-other` in `other-customer`',
    );
    // Through the inventory's project ids too, and for environment-kind resources.
    expect(errorCode(post({ query: 'mutation { customDomainCreate(input: { serviceId: "svc-other", projectId: "proj-uuid", domain: "x" }) { id } }' }))).toBe(
      EXTRACT_CODES.conflictingResource,
    );
    expect(
      errorCode(post({ query: 'mutation { variableUpsert(input: { environmentId: "env-other", projectId: "proj-uuid", name: "A", value: "b" }) }' })),
    ).toBe(EXTRACT_CODES.conflictingResource);
    // Agreeing (by id or by name) is fine.
    expect(run(post({ query: 'mutation { customDomainCreate(input: { serviceId: "svc-web", projectId: "proj-uuid", domain: "x" }) { id } }' }))[0]?.input.resource).toEqual({
      kind: 'service',
      id: 'svc-web',
      project: 'pocketos',
    });
    // For a resource the inventory does not know, the project argument is only the caller's claim:
    // it is left out, so no project-scoped grant covers the call.
    expect(run(post({ query: 'mutation { customDomainCreate(input: { serviceId: "svc-new", projectId: "proj-uuid", domain: "x" }) { id } }' }))[0]?.input.resource).toEqual({
      kind: 'service',
      id: 'svc-new',
    });
  });

  test('a project-scoped token cannot reach an unknown resource by claiming its own project', () => {
    const out = run(post({ query: 'mutation { customDomainCreate(input: { serviceId: "svc-unknown", projectId: "pocketos", environmentId: "env-staging-uuid", domain: "x" }) { id } }' }));
    expect(out[0]?.input.resource?.project).toBeUndefined();
    expect(evaluate(ir, out[0]?.input).rule).toBe('token:scope');
  });

  test('a resource conflict in one root field denies only that field', () => {
    const out = run(
      post({ query: 'mutation { me { id } customDomainCreate(input: { serviceId: "svc-other", projectId: "pocketos", domain: "x" }) { id } }' }),
    );
    expect(out.map((o) => [o.operation, o.error?.code])).toEqual([
      ['me', undefined],
      [null, EXTRACT_CODES.conflictingResource],
    ]);
  });

  test('an unknown environment id is left out', () => {
    const out = run(post({ query: 'mutation { serviceInstanceRedeploy(serviceId: "svc-web", environmentId: "env-unknown") }' }));
    expect(out[0]?.input.resource).toEqual({ kind: 'service', id: 'svc-web', project: 'pocketos' });
  });

  test('an operation missing from the catalog has no resource', () => {
    const out = run(post({ query: 'mutation { volumeInstanceDelete(id: "vol-staging") }' }));
    expect(out[0]?.input.resource).toBeUndefined();
    expect(evaluate(ir, out[0]?.input).class).toBe('destructive');
  });

  test('non-string ids: integers become their digits, lists and objects are no id', () => {
    expect(run(post({ query: 'mutation { volumeDelete(volumeId: 42) }' }))[0]?.input.resource?.id).toBe('42');
    expect(run(post({ query: 'mutation { volumeDelete(volumeId: ["vol-staging"]) }' }))[0]?.input.resource).toEqual({ kind: 'volume' });
  });

  test('a nullable variable left out is null; a default value is used', () => {
    const out = run(post({ query: 'mutation D($id: String = "vol-staging") { volumeDelete(volumeId: $id) }' }));
    expect(out[0]?.input.resource?.id).toBe('vol-staging');
    const nullable = run(post({ query: 'mutation D($id: String) { volumeDelete(volumeId: $id) }' }));
    expect(nullable[0]?.input.resource).toEqual({ kind: 'volume' });
  });
});
