// The proxy decides a canonical GraphQL request from the document it printed into it (and the
// documents it parsed come from a cache). The reference model is the slow path it replaced: read
// the written request back from its bytes. For random requests both must give the same decision
// inputs, and the bytes forwarded must read back as exactly the inputs that were decided.
import fc from 'fast-check';
import { beforeAll, expect, test } from 'vitest';
import { extractDecisionInputs, extractForwarding } from '../../src/extract/index.js';
import type { ForwardExtraction, HttpRequest } from '../../src/extract/index.js';
import { clearDocumentCache, documentCacheSize } from '../../src/extract/protocols/graphql/document-cache.js';
import { MAX_TOKENS } from '../../src/extract/protocols/graphql/document.js';
import type { Ir } from '../../src/ir/types.js';
import { DEPLOY_TOKEN, DOMAINS_TOKEN, TIME, exampleIr } from './fixture.js';

let ir: Ir;
beforeAll(async () => {
  ir = await exampleIr();
});

const HOST = 'backboard.railway.com';

const literal: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('"v1"', '"a\\"b\\\\c\\u00e9\\n"', '"""block\n  string """', '"""\n  indented\n    more\n"""', '42', '-0', '1.50', '1e3', 'null', 'true', 'PRODUCTION', '[1, "x", [null]]', '{ a: 1, b: { c: "d" } }'),
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
);
const value = fc.oneof({ weight: 3, arbitrary: literal }, { weight: 2, arbitrary: fc.constantFrom('$id', '$input', '$n', '$a') });
const condition = fc.constantFrom('', '', '', ' @skip(if: true)', ' @skip(if: false)', ' @include(if: $b)', ' @skip(if: $a)', ' @skip(if: $a) @include(if: $b)', ' @deprecated', ' @include(if: $a) @include(if: true)');

const rootField = fc
  .tuple(
    fc.option(fc.constantFrom('a', 'b', 'x1'), { nil: undefined }),
    fc.constantFrom('volumeDelete', 'customDomainCreate', 'customDomainDelete', 'projectDelete', 'project', 'me', '__typename', '__schema'),
    fc.array(fc.tuple(fc.constantFrom('id', 'volumeId', 'input', 'projectId'), value), { maxLength: 3 }),
    condition,
    fc.option(fc.constantFrom('{ id }', '{ id name }', '{ ...G }', '{ ... on Project { id } }'), { nil: undefined }),
  )
  .map(([alias, name, args, cond, sub]) => `${alias === undefined ? '' : `${alias}: `}${name}${args.length === 0 ? '' : `(${args.map(([n, v]) => `${n}: ${v}`).join(', ')})`}${cond}${sub === undefined ? '' : ` ${sub}`}`);

const selection = fc.oneof(
  { weight: 4, arbitrary: rootField },
  { weight: 1, arbitrary: fc.tuple(fc.array(rootField, { minLength: 1, maxLength: 2 }), condition).map(([fs, c]) => `...${c} { ${fs.join(' ')} }`) },
  { weight: 1, arbitrary: condition.map((c) => `...F${c}`) },
);

const FULL_VARIABLES = '($id: ID, $input: JSON, $n: Int = 3, $a: Boolean = false, $b: Boolean = true)';

/** A document and the `operationName` a client would send with it (mostly the right one). */
const named = fc
  .tuple(
    fc.constantFrom('mutation', 'mutation', 'mutation', 'query', 'query', ''),
    fc.array(selection, { minLength: 1, maxLength: 4 }),
    fc.array(rootField, { minLength: 1, maxLength: 2 }),
    fc.boolean(),
    fc.constantFrom(FULL_VARIABLES, FULL_VARIABLES, FULL_VARIABLES, '($id: ID!, $a: Boolean!, $b: Boolean, $n: Float, $input: JSON)', '($id: ID = "d", $a: Boolean = true, $b: Boolean, $n: Int, $input: JSON)'),
    fc.constantFrom('right', 'right', 'right', 'right', 'right', 'right', 'none', 'wrong'),
  )
  .map(([type, sels, fragment, second, vars, pick]) => {
    const head = type === '' ? '' : `${type}${second || pick === 'right' ? ' Main' : ''}${vars} `;
    let query = `${head}{ ${sels.join(' ')} } fragment F on ${type === 'query' ? 'Query' : 'Mutation'} { ${fragment.join(' ')} } fragment G on Project { id }`;
    if (second && type !== '') query += ' query Other { me { id } }';
    const operationName = pick === 'none' ? undefined : pick === 'wrong' ? 'Other' : type === '' ? '' : 'Main';
    return { query, operationName };
  });
const document = named.map((d) => d.query);

const variables = fc.option(
  fc.record({ id: fc.oneof(fc.string({ maxLength: 6 }), fc.constant(null)), input: fc.jsonValue({ maxDepth: 3 }), n: fc.oneof(fc.integer(), fc.double(), fc.constant(-0)), a: fc.boolean(), b: fc.oneof(fc.boolean(), fc.boolean(), fc.constant('yes')), ['__proto__']: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
  { nil: undefined },
);

const entry = fc.tuple(named, variables).map(([d, v]) => ({ query: d.query, ...(d.operationName === undefined ? {} : { operationName: d.operationName }), ...(v === undefined ? {} : { variables: v }) }));

const headers = fc.record(
  {
    authorization: fc.constantFrom(`Bearer ${DOMAINS_TOKEN}`, `Bearer ${DEPLOY_TOKEN}`, 'Bearer other'),
    'x-blastguard-attempt': fc.constantFrom('1', '2', '3', 'x'),
    baggage: fc.constantFrom('originator=alice', 'tenant=t1'),
    connection: fc.constantFrom('keep-alive', 'close', 'te'),
    'content-encoding': fc.constant('identity'),
  },
  { requiredKeys: ['authorization'] },
);

const request: fc.Arbitrary<HttpRequest> = fc.oneof(
  fc.tuple(entry, headers).map(([e, h]) => ({ method: 'POST', url: '/graphql/v2', headers: { ...h, host: HOST, 'content-type': 'application/json' }, body: JSON.stringify(e) })),
  fc.tuple(fc.array(entry, { minLength: 1, maxLength: 2 }), headers).map(([es, h]) => ({ method: 'POST', url: '/graphql/v2?trace=1', headers: { ...h, host: HOST, 'content-type': 'application/json' }, body: JSON.stringify(es) })),
  fc.tuple(entry, headers).map(([e, h]) => {
    const params = new URLSearchParams({ query: e.query, ...(e.operationName === undefined ? {} : { operationName: e.operationName }), ...(e.variables === undefined ? {} : { variables: JSON.stringify(e.variables) }) });
    return { method: 'GET', url: `/graphql/v2?${params.toString()}`, headers: { ...h, host: HOST } };
  }),
  fc.tuple(document, headers).map(([q, h]) => ({ method: 'POST', url: '/graphql/v2', headers: { ...h, host: HOST, 'content-type': 'application/graphql' }, body: Buffer.from(q) })),
);

/** The written request read back from its bytes: the reference every decided input must equal. */
function readBack(extraction: ForwardExtraction): unknown {
  const forward = extraction.forward!;
  return extractDecisionInputs({ method: forward.method, url: `https://${HOST}${forward.path}`, headers: forward.headers, body: forward.body }, ir, { time: TIME });
}

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? Buffer.from(x).toString('base64') : x));

test('the inputs decided from the written document equal those read back from the forwarded bytes', () => {
  let forwarded = 0;
  fc.assert(
    fc.property(request, (req) => {
      const fast = extractForwarding(req, ir, { time: TIME });
      // Past `MAX_TOKENS` the proxy reads what it wrote back from its bytes: the slow path, as reference.
      const slow = extractForwarding(req, ir, { time: TIME, limits: { maxTokens: MAX_TOKENS + 1 } });
      expect(json(fast)).toBe(json(slow));
      if (fast.forward !== null) {
        forwarded++;
        expect(json(fast.operations)).toBe(json(readBack(fast)));
      }
    }),
    { numRuns: 500 },
  );
  // The generator must reach the forwarding path, not only refusals.
  expect(forwarded).toBeGreaterThan(30);
});

test('a resent document decides the same with other variables, and from the cache', () => {
  clearDocumentCache();
  fc.assert(
    fc.property(entry, fc.array(variables, { minLength: 2, maxLength: 3 }), (e, others) => {
      for (const v of others) {
        const req: HttpRequest = { method: 'POST', url: '/graphql/v2', headers: { authorization: `Bearer ${DOMAINS_TOKEN}`, host: HOST, 'content-type': 'application/json' }, body: JSON.stringify({ ...e, variables: v }) };
        const fast = extractForwarding(req, ir, { time: TIME });
        clearDocumentCache();
        const cold = extractForwarding(req, ir, { time: TIME });
        expect(json(fast)).toBe(json(cold));
      }
    }),
    { numRuns: 150 },
  );
});

test('a stream of distinct documents does not grow the document cache past its bounds', () => {
  clearDocumentCache();
  for (let i = 0; i < 3_000; i++) {
    const query = `query Q${i} { project(id: "${'p'.repeat(i % 700)}${i}") { id } }`;
    const req: HttpRequest = { method: 'POST', url: '/graphql/v2', headers: { authorization: `Bearer ${DOMAINS_TOKEN}`, host: HOST, 'content-type': 'application/json' }, body: JSON.stringify({ query }) };
    expect(extractForwarding(req, ir, { time: TIME }).forward).not.toBeNull();
  }
  const size = documentCacheSize();
  expect(size.entries).toBeLessThanOrEqual(512);
  expect(size.chars).toBeLessThanOrEqual(4 * 1024 * 1024);
  // A document too large to keep is parsed every time and never kept.
  clearDocumentCache();
  const big = `query { ${Array.from({ length: 6_000 }, (_, i) => `f${i}: me { id }`).join(' ')} }`;
  extractForwarding({ method: 'POST', url: '/graphql/v2', headers: { host: HOST, 'content-type': 'application/json' }, body: JSON.stringify({ query: big }) }, ir, { time: TIME, limits: { maxTokens: 50_000, maxAliases: 10_000 } });
  expect(documentCacheSize().entries).toBe(0);
});
