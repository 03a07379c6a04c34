// Review bypass2 #2: the forwarded request carries no credential the decision did not see.
import { describe, expect, test } from 'vitest';
import { extractForwarding } from '../../src/extract/index.js';
import type { ForwardExtraction, HttpRequest } from '../../src/extract/index.js';
import { catalogOfIr } from '../../src/ir/catalog.js';
import type { Ir } from '../../src/ir/types.js';
import { TIME } from './fixture.js';
import { ir } from './helpers.js';

const AUTH = { authorization: 'Bearer fake-github-developer-gh-token' };
const github = (path: string, headers: Record<string, string> = {}): HttpRequest => ({ method: 'GET', url: `https://api.github.com${path}`, headers: { ...AUTH, ...headers } });
const forward = (request: HttpRequest, of: Ir = ir): ForwardExtraction => extractForwarding(request, catalogOfIr(of), { time: TIME });

describe('credentials outside the token headers', () => {
  test('`Cookie` is dropped, unless the api declares it among its token headers (then it is read)', () => {
    const dropped = forward(github('/repos/acme/web', { cookie: 'user_session=s' }));
    expect(dropped.operations.map((o) => o.operation)).toEqual(['repos.get']);
    expect(dropped.forward?.headers['cookie']).toBeUndefined();

    const declared: Ir = structuredClone(ir);
    const api = declared.apis.find((a) => a.name === 'github-rest')!;
    api.tokens.headers = [...api.tokens.headers, { name: 'Cookie', schemes: [] }];
    const kept = forward({ method: 'GET', url: 'https://api.github.com/repos/acme/web', headers: { cookie: 'user_session=s' } }, declared);
    expect(kept.forward?.headers['cookie']).toBe('user_session=s');
    expect(kept.operations[0]?.input.token?.fingerprint).toMatch(/^sha256:/);
    // Read as a credential: another one next to the bearer token is a conflict (BG413), not a second principal.
    const both = forward(github('/repos/acme/web', { cookie: 'user_session=s' }), declared);
    expect(both.operations.map((o) => o.error?.code)).toEqual(['BG413']);
  });

  test('a credential-carrier query parameter is refused (BG452); `key` and others are ordinary', () => {
    for (const q of ['access_token=x', 'API_KEY=x', 'api-key=x', 'auth_token=x', 'token=x', 'api_token=x', 'access.token=x', 'access+token=x', 'access%20token=x']) {
      const x = forward(github(`/repos/acme/web?${q}`));
      expect(x.forward).toBeNull();
      expect(x.operations.map((o) => o.error?.code)).toEqual(['BG452']);
    }
    expect(forward(github('/repos/acme/web?key=x&page_token=y&next_token=z')).forward).not.toBeNull();
  });

  test('the aws protocols keep their own parameters: the principal is the signature', () => {
    const sig = 'AWS4-HMAC-SHA256 Credential=fake-AKIDEXAMPLE/20261130/us-east-1/rds/aws4_request, SignedHeaders=host;x-amz-date, Signature=fake';
    const x = forward({ method: 'GET', url: 'https://rds.us-east-1.amazonaws.com/?Action=DescribeDBInstances&Version=2014-10-31&Token=t', headers: { authorization: sig } });
    expect(x.operations.map((o) => o.operation)).toEqual(['DescribeDBInstances']);
    expect(x.forward).not.toBeNull();
  });
});
