import { describe, expect, test } from 'vitest';
import { EXTRACT_CODES, extractDecisionInputs } from '../../src/extract/index.js';
import { evaluate } from '../../src/evaluate/index.js';
import type { Ir } from '../../src/ir/types.js';
import { TIME } from './fixture.js';
import { httpIr, inventory } from './helpers.js';

describe('rest routes', () => {
  test('http routes match method and path templates', () => {
    const rest = httpIr([
      { name: 'deleteVolume', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'volume', idArg: 'id', idTemplate: null, environmentArg: null, projectArg: null }, http: { method: 'DELETE', path: '/v1/volumes/{id}' } },
      { name: 'deleteLatest', class: 'destructive', type: 'request', reversible: false, resource: null, http: { method: 'DELETE', path: '/v1/volumes/latest' } },
    ]);
    const call = (method: string, path: string) =>
      extractDecisionInputs({ method, url: `https://backboard.railway.com${path}` }, rest, { time: TIME, inventory });
    expect(call('DELETE', '/v1/volumes/vol-prod')[0]?.input.resource).toEqual({ kind: 'volume', id: 'vol-prod', environment: 'production', project: 'pocketos' });
    expect(call('DELETE', '/v1/volumes/latest')[0]?.operation).toBe('deleteLatest');
    expect(call('GET', '/v1/volumes/vol-prod')[0]?.error?.code).toBe(EXTRACT_CODES.wrongEndpoint);
  });

  test('http arguments given differently in the path, the query string or the body are unparseable', () => {
    const rest = httpIr([
      { name: 'deleteVolume', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'volume', idArg: 'id', idTemplate: null, environmentArg: null, projectArg: null }, http: { method: 'DELETE', path: '/v1/volumes/{id}' } },
      { name: 'deleteService', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'service', idArg: 'service.id', idTemplate: null, environmentArg: 'env', projectArg: null }, http: { method: 'DELETE', path: '/v1/services' } },
      { name: 'getA', class: 'read', type: 'request', reversible: false, resource: null, http: { method: 'GET', path: '/v1/{a}/x' } },
      { name: 'getB', class: 'destructive', type: 'request', reversible: false, resource: null, http: { method: 'GET', path: '/v1/x/{b}' } },
    ]);
    const call = (method: string, path: string, body?: unknown) =>
      extractDecisionInputs(
        {
          method,
          url: `https://backboard.railway.com${path}`,
          ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        },
        rest,
        { time: TIME, inventory },
      );
    const code = (method: string, path: string, body?: unknown) => {
      const out = call(method, path, body);
      expect(out).toHaveLength(1);
      return out[0]?.error?.code;
    };
    expect(code('DELETE', '/v1/volumes/vol-staging?id=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('DELETE', '/v1/volumes/vol-staging', { id: 'vol-prod' })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('DELETE', '/v1/services?env=staging&env=production', { service: { id: 'svc-web' } })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('DELETE', '/v1/services?env=staging', { env: 'production', service: { id: 'svc-web' } })).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('DELETE', '/v1/services?service=a', { service: { id: 'svc-web' } })).toBe(EXTRACT_CODES.ambiguousParameters);
    // Two routes matching equally well: the server's router decides, so the enforcer does not.
    expect(code('GET', '/v1/x/x')).toBe(EXTRACT_CODES.ambiguousParameters);
    // The same value twice, or other arguments repeated, are fine.
    expect(call('DELETE', '/v1/volumes/vol-prod?id=vol-prod', { id: 'vol-prod', tag: 'a' })[0]?.input.resource?.id).toBe('vol-prod');
    expect(call('DELETE', '/v1/services?tag=a&tag=b', { env: 'staging', service: { id: 'svc-web' } })[0]?.input.resource).toEqual({
      kind: 'service',
      id: 'svc-web',
      environment: 'staging',
      project: 'pocketos',
    });
    expect(call('GET', '/v1/y/x')[0]?.operation).toBe('getA');
  });
});

describe('http api parameters in the body, whatever its content type', () => {
  function restIr(): Ir {
    return httpIr([
      { name: 'deleteVolume', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'volume', idArg: 'id', idTemplate: null, environmentArg: null, projectArg: null }, http: { method: 'POST', path: '/v1/volumes/delete' } },
      { name: 'deleteById', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'volume', idArg: 'id', idTemplate: null, environmentArg: null, projectArg: null }, http: { method: 'DELETE', path: '/v1/volumes/{id}' } },
      { name: 'deleteService', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'service', idArg: 'service.id', idTemplate: null, environmentArg: 'env', projectArg: null }, http: { method: 'DELETE', path: '/v1/services' } },
    ]);
  }
  const call = (method: string, path: string, contentType: string | null, body?: string) =>
    extractDecisionInputs(
      {
        method,
        url: `https://backboard.railway.com${path}`,
        headers: contentType === null ? {} : { 'content-type': contentType },
        ...(body === undefined ? {} : { body }),
      },
      restIr(),
      { time: TIME, inventory },
    );
  const code = (method: string, path: string, contentType: string | null, body?: string) => {
    const out = call(method, path, contentType, body);
    expect(out).toHaveLength(1);
    const decision = evaluate(restIr(), out[0]?.input);
    if (out[0]?.error) expect(decision.rule).toBe('input:invalid');
    return out[0]?.error?.code;
  };
  const FORM = 'application/x-www-form-urlencoded';
  const multipart = (fields: [string, string][], extra = ''): string =>
    `${fields.map(([name, value]) => `--b\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n${value}\r\n`).join('')}--b--\r\n`;

  test('a form field, a multipart field or a json member differing from the query string is unparseable (BG417)', () => {
    // The reviewer's case: the body names production, the query string staging.
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', FORM, 'id=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', 'multipart/form-data; boundary=b', multipart([['id', 'vol-prod']]))).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', 'application/json', '{"id":"vol-prod"}')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('DELETE', '/v1/volumes/vol-staging', FORM, 'id=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
    // Any name, not only resource arguments, given in two places differently.
    expect(code('POST', '/v1/volumes/delete?id=vol-prod&force=false', FORM, 'force=true')).toBe(EXTRACT_CODES.ambiguousParameters);
    // The same value in two places is one parameter.
    expect(call('POST', '/v1/volumes/delete?id=vol-prod', FORM, 'id=vol-prod&force=1')[0]?.input.resource?.id).toBe('vol-prod');
    expect(call('POST', '/v1/volumes/delete?id=vol-prod&id=vol-prod', 'application/json', '{"id":"vol-prod"}')[0]?.input.resource?.id).toBe('vol-prod');
    expect(call('POST', '/v1/volumes/delete?n=5&id=vol-prod', 'application/json', '{"n":5}')[0]?.operation).toBe('deleteVolume');
  });

  test('a resource id only in a form or multipart body is read', () => {
    expect(call('POST', '/v1/volumes/delete', FORM, 'id=vol-prod')[0]?.input.resource).toEqual({ kind: 'volume', id: 'vol-prod', environment: 'production', project: 'pocketos' });
    expect(call('POST', '/v1/volumes/delete', 'multipart/form-data; boundary="b"', multipart([['id', 'vol-prod']]))[0]?.input.resource?.environment).toBe('production');
    expect(code('POST', '/v1/volumes/delete', FORM, 'id=vol-staging&id=vol-prod')).toBe(EXTRACT_CODES.ambiguousParameters);
  });

  test('a non-empty body the enforcer cannot read for parameters is unparseable (BG404)', () => {
    // text/plain whose text is JSON: a server that sniffs reads `id` from it.
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', 'text/plain', '{"id":"vol-prod"}')).toBe(EXTRACT_CODES.unsupportedContentType);
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', null, '{"id":"vol-prod"}')).toBe(EXTRACT_CODES.unsupportedContentType);
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', 'application/octet-stream', 'id=vol-prod')).toBe(EXTRACT_CODES.unsupportedContentType);
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', 'multipart/mixed; boundary=b', multipart([['id', 'vol-prod']]))).toBe(EXTRACT_CODES.unsupportedContentType);
    // A multipart body that cannot be read into named fields.
    expect(code('POST', '/v1/volumes/delete', 'multipart/form-data', multipart([['id', 'vol-prod']]))).toBe(EXTRACT_CODES.invalidBody);
    expect(code('POST', '/v1/volumes/delete', 'multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="id"\r\n\r\nvol-prod')).toBe(EXTRACT_CODES.invalidBody);
    expect(code('POST', '/v1/volumes/delete', 'multipart/form-data; boundary=b', multipart([['id', 'vol-prod']], '; name="other"'))).toBe(EXTRACT_CODES.invalidBody);
    // Empty bodies are fine whatever the type.
    expect(call('POST', '/v1/volumes/delete?id=vol-staging', 'text/plain', '  ')[0]?.input.resource?.id).toBe('vol-staging');
    expect(call('POST', '/v1/volumes/delete?id=vol-staging', null)[0]?.input.resource?.id).toBe('vol-staging');
  });

  test('bracket and dotted forms address the parameter they name', () => {
    // `?id[]=a` is `id` to qs: next to a json `id` it conflicts.
    expect(code('POST', '/v1/volumes/delete?id[]=vol-staging', 'application/json', '{"id":"vol-prod"}')).toBe(EXTRACT_CODES.ambiguousParameters);
    // For a resource argument, any bracket or dotted form is read differently by different servers.
    for (const form of ['id[]', 'id[0]', 'id[x]', 'id.x']) {
      expect(code('POST', `/v1/volumes/delete?${encodeURIComponent(form)}=vol-prod`, null), form).toBe(EXTRACT_CODES.ambiguousParameters);
      expect(code('POST', '/v1/volumes/delete', FORM, `${encodeURIComponent(form)}=vol-prod`), form).toBe(EXTRACT_CODES.ambiguousParameters);
    }
    // `service[id]` is `service.id` to qs: the environment argument alone must not decide staging.
    expect(code('DELETE', '/v1/services?env=staging&service[id]=svc-prod-only', null)).toBe(EXTRACT_CODES.ambiguousParameters);
    // Other parameters in bracket form conflict with their plain form elsewhere.
    expect(code('POST', '/v1/volumes/delete?id=vol-prod&tag[]=a', FORM, 'tag=a')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(call('POST', '/v1/volumes/delete?id=vol-prod&tag[]=a&tag[]=b', null)[0]?.operation).toBe('deleteVolume');
  });

  test('names are compared without case: `ID` is `id` to some binders', () => {
    expect(code('POST', '/v1/volumes/delete?ID=vol-prod', null)).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('POST', '/v1/volumes/delete?id=vol-staging', 'application/json', '{"Id":"vol-prod"}')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('POST', '/v1/volumes/delete?id=vol-prod&Force=1', FORM, 'force=2')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(call('POST', '/v1/volumes/delete?id=vol-prod&Force=1', FORM, 'force=1')[0]?.operation).toBe('deleteVolume');
  });
});

describe('reviewer fail-opens: requests a server could read more dangerously', () => {
  test('REST json members on the path to a resource argument must read one way (BG417)', () => {
    const rest = httpIr([
      { name: 'deleteService', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'service', idArg: 'input.serviceId', idTemplate: null, environmentArg: null, projectArg: null }, http: { method: 'POST', path: '/v1/services/delete' } },
    ]);
    const code = (body: string): string | undefined => {
      const out = extractDecisionInputs(
        { method: 'POST', url: 'https://backboard.railway.com/v1/services/delete', headers: { 'content-type': 'application/json' }, body },
        rest,
        { time: TIME, inventory },
      );
      expect(out).toHaveLength(1);
      if (out[0]?.error) expect(evaluate(rest, out[0].input).rule).toBe('input:invalid');
      return out[0]?.error?.code;
    };
    expect(code('{"input":{"serviceId":"svc-staging-only"}}')).toBeUndefined();
    expect(code('{"input":{"serviceId":"svc-staging-only","ServiceId":"svc-prod-only"}}')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('{"input":{"serviceid":"svc-prod-only"}}')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('{"input":{"serviceId":"svc-staging-only"},"Input":{"serviceId":"svc-prod-only"}}')).toBe(EXTRACT_CODES.ambiguousParameters);
    expect(code('{"input":{"\u017FerviceId":"svc-prod-only"}}')).toBe(EXTRACT_CODES.ambiguousParameters);
  });

  test('a multipart boundary anywhere but a line start, or parts after the close, is unparseable (BG406)', () => {
    const rest = httpIr([
      { name: 'deleteVolume', class: 'destructive', type: 'request', reversible: false, resource: { kind: 'volume', idArg: 'id', idTemplate: null, environmentArg: null, projectArg: null }, http: { method: 'POST', path: '/v1/volumes/delete' } },
    ]);
    const code = (body: string): string | undefined => {
      const out = extractDecisionInputs(
        { method: 'POST', url: 'https://backboard.railway.com/v1/volumes/delete', headers: { 'content-type': 'multipart/form-data; boundary=b' }, body },
        rest,
        { time: TIME, inventory },
      );
      expect(out).toHaveLength(1);
      if (out[0]?.error) expect(evaluate(rest, out[0].input).rule).toBe('input:invalid');
      return out[0]?.error?.code ?? out[0]?.input.resource?.id ?? undefined;
    };
    const part = (name: string, value: string): string => `--b\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    expect(code(`${part('id', 'vol-staging')}--b--\r\n`)).toBe('vol-staging');
    expect(code(`${part('id', 'vol-staging')}--b--`)).toBe('vol-staging');
    // A delimiter inside a value: a lenient parser starts a new part there.
    expect(code(`${part('note', 'x--b\r\nContent-Disposition: form-data; name="id"\r\n\r\nvol-prod')}${part('id', 'vol-staging')}--b--\r\n`)).toBe(EXTRACT_CODES.invalidBody);
    // After a bare LF, or as the prefix of a longer line.
    expect(code(`${part('note', 'x\n--b\nContent-Disposition: form-data; name="id"\n\nvol-prod')}${part('id', 'vol-staging')}--b--\r\n`)).toBe(EXTRACT_CODES.invalidBody);
    expect(code(`${part('note', 'x\r\n--bx')}${part('id', 'vol-staging')}--b--\r\n`)).toBe(EXTRACT_CODES.invalidBody);
    // Parts after the close delimiter.
    expect(code(`${part('id', 'vol-staging')}--b--\r\n${part('id', 'vol-prod')}--b--\r\n`)).toBe(EXTRACT_CODES.invalidBody);
  });
});
