// A Railway-like GraphQL upstream (a subset of backboard's v2 schema, railwayapp/cli src/gql/schema.json)
// served by two real stacks: graphql-http, and Express 5 with its JSON body parser and a handler that,
// like many hand-written ones, merges url parameters into a POST and runs JSON arrays as batches;
// `express-qs` is the same with Express's documented `query parser: extended` setting (qs, the
// default in Express 4), which reads `query[]=…` as `query` and `variables[id]=…` as an object.
// Every field it executes is recorded, so a test can compare what ran with what was decided.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createRequire } from 'node:module';
import type * as GraphqlJs from 'graphql';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { createHandler } from 'graphql-http';

// graphql-http loads graphql-js's CommonJS build; the schema must come from the same realm.
const { buildSchema, graphql, GraphQLObjectType } = createRequire(import.meta.url)('graphql') as typeof GraphqlJs;

export const RAILWAY_SDL = /* GraphQL */ `
  type Query {
    me: User!
    projects: ProjectConnection!
    project(id: String!): Project!
  }
  type User { id: String! email: String! }
  type ProjectConnection { edges: [ProjectEdge!]! }
  type ProjectEdge { node: Project! }
  type Project { id: String! name: String! volumes: VolumeConnection! }
  type VolumeConnection { edges: [VolumeEdge!]! }
  type VolumeEdge { node: Volume! }
  type Volume { id: String! name: String! }
  type CustomDomain { id: String! domain: String! }
  input CustomDomainCreateInput { domain: String! environmentId: String! projectId: String! serviceId: String! targetPort: Int }
  type Mutation {
    volumeDelete(volumeId: String!): Boolean!
    customDomainCreate(input: CustomDomainCreateInput!): CustomDomain!
    customDomainDelete(id: String!): Boolean!
    projectDelete(id: String!): Boolean!
  }
`;

/** One root field the upstream executed: its name, response key and arguments. */
export interface Executed {
  name: string;
  key: string;
  args: Record<string, unknown>;
}

const VOLUME = { id: '3d2c42fb-0000-4000-8000-000000000000', name: 'pg-data' };
const PROJECT = { id: '1c0ffee0-0000-4000-8000-000000000001', name: 'pocketos', volumes: { edges: [{ node: VOLUME }] } };

/** The schema with a resolver on every field that records root fields into `executed`. */
export function recordingSchema(executed: Executed[], all: string[]): GraphQLSchema {
  const schema = buildSchema(RAILWAY_SDL);
  const data: Record<string, GraphQLFieldResolver<unknown, unknown>> = {
    me: () => ({ id: 'u1', email: 'jer@example.com' }),
    projects: () => ({ edges: [{ node: PROJECT }] }),
    project: () => PROJECT,
    volumeDelete: () => true,
    customDomainCreate: (_s, args) => ({ id: 'cd1', domain: ((args as { input: { domain: string } }).input).domain }),
    customDomainDelete: () => true,
    projectDelete: () => true,
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
    const root = type === schema.getQueryType() || type === schema.getMutationType();
    for (const field of Object.values(type.getFields())) {
      const own = data[field.name];
      field.resolve = (source, args, context, info) => {
        all.push(`${type.name}.${field.name}`);
        if (root) executed.push({ name: field.name, key: info.path.key as string, args: JSON.parse(JSON.stringify(args)) as Record<string, unknown> });
        if (root && own) return own(source, args, context, info);
        return (source as Record<string, unknown>)[field.name];
      };
    }
  }
  return schema;
}

export interface Upstream {
  kind: Stack;
  url: string;
  executed: Executed[];
  fields: string[];
  /** Requests the upstream received (method, content type, url, body), as sent by the proxy. */
  received: { method: string; url: string; contentType: string | undefined; body: string }[];
  close(): Promise<void>;
}

export type Stack = 'graphql-http' | 'express' | 'express-qs';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startUpstream(kind: Stack): Promise<Upstream> {
  const executed: Executed[] = [];
  const fields: string[] = [];
  const received: Upstream['received'] = [];
  const schema = recordingSchema(executed, fields);
  let server: Server;
  if (kind === 'graphql-http') {
    // graphql-http's own handler, given the body as read (its node adapter reads the stream itself).
    const handler = createHandler({ schema });
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body });
        void handler({ url: req.url ?? '/', method: req.method ?? 'GET', headers: req.headers, body, raw: req, context: undefined }).then(([text, init]) => {
          res.writeHead(init.status, init.statusText, init.headers as Record<string, string>).end(text);
        }, () => res.writeHead(500).end());
      });
    });
  } else {
    const app = express();
    if (kind === 'express-qs') app.set('query parser', 'extended');
    app.use(express.json({ limit: '5mb' }));
    app.use((req, _res, next) => {
      received.push({ method: req.method, url: req.originalUrl, contentType: req.headers['content-type'], body: JSON.stringify(req.body ?? null) });
      next();
    });
    app.all('/graphql/v2', async (req, res) => {
      const run = async (params: Record<string, unknown>): Promise<unknown> => {
        // The quirk this stack stands for: url parameters win over the body.
        const merged = { ...params, ...(req.query as Record<string, unknown>) };
        // qs reads `query[]=a` as ['a']: a hand-written handler takes the first.
        if (Array.isArray(merged['query'])) merged['query'] = (merged['query'] as unknown[])[0];
        const variables = typeof merged['variables'] === 'string' ? (JSON.parse(merged['variables']) as Record<string, unknown>) : (merged['variables'] as Record<string, unknown> | undefined);
        return graphql({ schema, source: String(merged['query'] ?? ''), variableValues: variables ?? null, operationName: (merged['operationName'] as string | undefined) ?? null });
      };
      const body: unknown = req.body;
      const result = Array.isArray(body) ? await Promise.all(body.map((b) => run(b as Record<string, unknown>))) : await run((body ?? {}) as Record<string, unknown>);
      res.json(result);
    });
    server = createServer(app);
  }
  const url = await listen(server);
  return {
    kind,
    url,
    executed,
    fields,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
