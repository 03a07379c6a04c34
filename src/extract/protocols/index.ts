import { graphql } from './graphql/transport.js';
import { mcp } from './mcp.js';
import { http } from './rest/route.js';
import type { Protocol, ProtocolExtractor } from './types.js';

export type { FoundOperation, Message, Protocol, ProtocolExtractor } from './types.js';

/** Every protocol an API may speak, and the one extractor that reads it. A new protocol is one file and one line here. */
export const PROTOCOLS: Readonly<Record<Protocol, ProtocolExtractor>> = {
  graphql,
  http,
  mcp,
};
