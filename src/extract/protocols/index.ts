import { awsJson } from './aws-json.js';
import { awsQuery } from './aws-query.js';
import { graphql } from './graphql/transport.js';
import { mcp } from './mcp.js';
import { restJson } from './rest-json.js';
import { restXml } from './rest-xml.js';
import { http } from './rest/route.js';
import { s3 } from './s3.js';
import type { Protocol, ProtocolExtractor } from './types.js';

export type { FoundOperation, Message, Protocol, ProtocolExtractor } from './types.js';

/** Every protocol an API may speak, and the one extractor that reads it. A new protocol is one file and one line here. */
export const PROTOCOLS: Readonly<Record<Protocol, ProtocolExtractor>> = {
  graphql,
  http,
  mcp,
  'aws-query': awsQuery,
  'aws-json': awsJson,
  'rest-json': restJson,
  'rest-xml': restXml,
  s3,
};
