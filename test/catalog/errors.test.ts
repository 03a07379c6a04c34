import { describe, expect, it } from 'vitest';
import { isBlastguardError } from '../../src/core/errors.js';
import type { BlastguardError } from '../../src/core/errors.js';
import { OK, importText, openapi } from './helpers.js';
import type { ImportOptions } from '../../src/catalog/index.js';

function failure(options: Partial<ImportOptions> & Pick<ImportOptions, 'format' | 'text'>): BlastguardError {
  try {
    importText(options);
  } catch (e) {
    if (isBlastguardError(e)) return e;
    throw e;
  }
  throw new Error('the import succeeded');
}

function where(e: BlastguardError): string {
  return `${e.code} ${e.file ?? ''}:${e.line ?? '-'}:${e.column ?? '-'}`;
}

const ONE = { '/a': { get: { operationId: 'a', ...OK } } };

describe('import errors: located, coded, with help', () => {
  it.each([
    ['yaml syntax', 'openapi: 3.1.0\npaths: {\n  /a: [\n', 'BG661 api.yaml:4:1'],
    ['a duplicate key', 'openapi: 3.1.0\nopenapi: 3.0.0\n', 'BG661 api.yaml:2:1'],
    ['a scalar document', 'just text\n', 'BG662 api.yaml:1:1'],
    ['a map without openapi or swagger', 'info: { title: x }\npaths: {}\n', 'BG662 api.yaml:1:1'],
    ['openapi 2.0.0', 'openapi: 2.0.0\npaths: {}\n', 'BG663 api.yaml:1:1'],
    ['openapi 4', 'info: {}\nopenapi: "4.0"\n', 'BG663 api.yaml:2:1'],
    ['swagger 1.2', '{"swagger": "1.2"}', 'BG663 api.yaml:1:2'],
    ['no paths', 'openapi: 3.1.0\ninfo: { title: x, version: "1" }\n', 'BG664 api.yaml:1:1'],
    ['only OPTIONS routes', 'openapi: 3.1.0\npaths:\n  /a:\n    options: {}\n', 'BG664 api.yaml:2:1'],
    ['paths as a list', 'openapi: 3.1.0\npaths:\n  - /a\n', 'BG665 api.yaml:2:1'],
    ['a path without /', 'openapi: 3.1.0\npaths:\n  a: {}\n', 'BG665 api.yaml:3:3'],
    ['an operation that is not a map', 'openapi: 3.1.0\npaths:\n  /a:\n    get: yes\n', 'BG665 api.yaml:4:5'],
    ['a broken $ref', 'openapi: 3.1.0\npaths:\n  /a:\n    get:\n      parameters:\n        - $ref: "#/components/parameters/nope"\n', 'BG665 api.yaml:6:11'],
    ['a $ref cycle', 'openapi: 3.1.0\ncomponents: { parameters: { a: { $ref: "#/components/parameters/b" }, b: { $ref: "#/components/parameters/a" } } }\npaths:\n  /a:\n    get:\n      parameters: [{ $ref: "#/components/parameters/a" }]\n', 'BG665 api.yaml:6:20'],
    ['servers not a list', 'openapi: 3.1.0\nservers: { url: x }\npaths: { /a: { get: {} } }\n', 'BG665 api.yaml:2:1'],
  ])('openapi: %s', (_what, text, expected) => {
    expect(where(failure({ format: 'openapi', text, hosts: ['a.example'] }))).toMatch(new RegExp(`^${expected.replace(/[.$]/g, '\\$&')}`));
  });

  it.each([
    ['sdl syntax', 'type Query {\n  a: Int\n', 'BG661 api.yaml:3:1'],
    ['malformed json', '{ "data": ', 'BG661 api.yaml:-:-'],
    ['json that is no introspection result', '{ "openapi": "3.1.0" }', 'BG662 api.yaml:-:-'],
    ['an invalid introspection result', '{ "__schema": { "queryType": { "name": "Query" }, "types": [] } }', 'BG665 api.yaml:-:-'],
    ['an unknown type', 'type Query {\n  a: Nope\n}\n', 'BG665 api.yaml:2:6'],
    ['no root fields', 'type Thing { a: Int }\n', 'BG664 api.yaml:-:-'],
    ['a type defined twice', 'type Query { a: Int }\ntype Query { b: Int }\n', 'BG665 api.yaml:-:-'],
  ])('graphql: %s', (_what, text, expected) => {
    expect(where(failure({ format: 'graphql', text, hosts: ['a.example'] }))).toBe(expected);
  });

  it('every error has a help line and a one-line lowercase message naming the file', () => {
    const e = failure({ format: 'openapi', text: 'openapi: 9.9.9\n' });
    expect(e.help).toMatch(/^[a-z]/i);
    expect(e.message).toBe('openapi version `9.9.9` is not supported');
  });

  it('BG666: no host from the document and no --host', () => {
    expect(failure({ format: 'openapi', text: openapi(ONE, { servers: [{ url: '/v1' }] }) }).code).toBe('BG666');
    expect(failure({ format: 'graphql', text: 'type Query { a: Int }' }).code).toBe('BG666');
    expect(() => importText({ format: 'openapi', text: openapi(ONE, { servers: [{ url: '/v1' }] }), hosts: ['api.example.com'] })).not.toThrow();
  });

  it.each([
    [{ name: 'GitHub' }],
    [{ hosts: ['https://api.example.com'] }],
    [{ hosts: ['api.example.com:443'] }],
    [{ endpoint: '/graphql' }],
  ])('BG667: invalid option %j', (option) => {
    expect(failure({ format: 'openapi', text: openapi(ONE), ...option }).code).toBe('BG667');
  });

  it('BG667: --endpoint must be a path', () => {
    expect(failure({ format: 'graphql', text: 'type Query { a: Int }', hosts: ['a.example'], endpoint: 'graphql' }).code).toBe('BG667');
  });

  it.each([
    ['broken yaml', 'kind: Api\nspec: [\n', 'BG668 out.yaml:3:1'],
    ['another kind', 'apiVersion: blastguard.dev/v1\nkind: Policy\n', 'BG668 out.yaml:1:1'],
    ['two documents', 'kind: Api\n---\nkind: Api\n', 'BG668 out.yaml:2:1'],
    ['no spec', 'kind: Api\n', 'BG668 out.yaml:1:1'],
    ['another protocol', 'kind: Api\nspec:\n  protocol: graphql\n', 'BG668 out.yaml:3:3'],
    ['operations not a map', 'kind: Api\nspec:\n  protocol: http\n  operations: [a]\n', 'BG668 out.yaml:3:3'],
  ])('BG668: an existing --out with %s', (_what, existing, expected) => {
    expect(where(failure({ format: 'openapi', text: openapi(ONE), existing: { text: existing, file: 'out.yaml' } }))).toBe(expected);
  });
});
