import { hasOwn, isRecord } from '../../core/record.js';

/*
 * `x-mcp-header` (2026-07-28, server/tools.mdx and basic/transports/streamable-http.mdx): a tool's
 * `inputSchema` may mark a property `"x-mcp-header": "Region"`, and a Streamable HTTP client then
 * mirrors the argument at that property's path into `Mcp-Param-Region`. The header name is the
 * annotation's value, not the argument's name, so the guard can pair a header with its argument
 * only from the tool definitions the server gave: it learns them from the `tools/list` results it
 * relays, per scope (a session, or a caller), and forgets them all when the server says its tools
 * changed (`notifications/tools/list_changed`).
 */

/** The property path of an argument: `["region"]`, or `["target", "region"]` for a nested one. */
export type ArgumentPath = readonly string[];

/** One tool's declarations: `Mcp-Param-<name>` (name lowercased) → the argument it mirrors. */
export interface HeaderDeclarations {
  readonly paths: ReadonlyMap<string, ArgumentPath>;
  /** The names as the schema spells them (for messages), by lowercased name. */
  readonly spelled: ReadonlyMap<string, string>;
}

/** RFC 9110 §5.6.2 `token`: what an `x-mcp-header` value must be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ANNOTATION = 'x-mcp-header';
/** The mirrored types the spec allows (`number` is not one). */
const PRIMITIVE = new Set(['string', 'integer', 'boolean']);
/** Keywords whose value is one subschema, an array of them, or a map of them (JSON Schema 2020-12 and draft-07). */
const ONE_SCHEMA = ['items', 'additionalItems', 'additionalProperties', 'unevaluatedItems', 'unevaluatedProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else'];
const SCHEMA_ARRAYS = ['prefixItems', 'allOf', 'anyOf', 'oneOf', 'items'];
const SCHEMA_MAPS = ['patternProperties', 'dependentSchemas', '$defs', 'definitions'];
/** Walk bounds: a schema deeper or larger than this declares nothing the guard relies on. */
const MAX_DEPTH = 32;
const MAX_NODES = 10_000;
/** Declarations per tool: more than this and the tool declares nothing the guard relies on (memory stays bounded). */
const MAX_DECLARATIONS = 64;

/**
 * The `x-mcp-header` declarations of one tool's `inputSchema`, or null when they break the
 * spec's constraints (empty or non-token value, names equal ignoring case, an annotation on a
 * property not reachable through `properties` alone, a non-primitive type) or the schema is too
 * deep or declares too much to hold: the guard learns nothing from such a tool (a conforming
 * client drops one that breaks the constraints), and pairs its headers by name.
 */
export function declarationsOf(inputSchema: unknown): HeaderDeclarations | null {
  const paths = new Map<string, ArgumentPath>();
  const spelled = new Map<string, string>();
  let nodes = 0;
  let valid = true;
  const visit = (node: unknown, path: string[] | null, depth: number): void => {
    if (!valid || !isRecord(node)) return;
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) {
      valid = false;
      return;
    }
    if (hasOwn(node, ANNOTATION)) {
      const name = node[ANNOTATION];
      const type = node['type'];
      if (path === null || path.length === 0 || typeof name !== 'string' || !TOKEN.test(name) || paths.has(name.toLowerCase()) || paths.size >= MAX_DECLARATIONS || (type !== undefined && !(typeof type === 'string' && PRIMITIVE.has(type)))) {
        valid = false;
        return;
      }
      paths.set(name.toLowerCase(), path);
      spelled.set(name.toLowerCase(), name);
    }
    const properties = node['properties'];
    if (isRecord(properties)) for (const key of Object.keys(properties)) visit(properties[key], path === null ? null : [...path, key], depth + 1);
    // Every other place a subschema sits: an annotation there is not statically reachable.
    for (const key of ONE_SCHEMA) if (isRecord(node[key])) visit(node[key], null, depth + 1);
    for (const key of SCHEMA_ARRAYS) {
      const list = node[key];
      if (Array.isArray(list)) for (const item of list) visit(item, null, depth + 1);
    }
    for (const key of SCHEMA_MAPS) {
      const map = node[key];
      if (isRecord(map)) for (const k of Object.keys(map)) visit(map[k], null, depth + 1);
    }
    const dependencies = node['dependencies'];
    if (isRecord(dependencies)) for (const k of Object.keys(dependencies)) visit(dependencies[k], null, depth + 1);
  };
  visit(inputSchema, [], 0);
  return valid ? { paths, spelled } : null;
}

/** The argument value at `path`, or undefined when there is none (absent or `null`: no header is sent for it). */
export function argumentAt(args: Record<string, unknown>, path: ArgumentPath): unknown {
  let value: unknown = args;
  for (const key of path) {
    if (!isRecord(value) || !hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value === null ? undefined : value;
}

export interface ToolHeaderLimits {
  /** Scopes (sessions, callers) remembered; the least recently used is forgotten first. */
  scopes: number;
  /** Tools remembered per scope; later ones are not learnt (their headers are paired by name). */
  toolsPerScope: number;
}

const DEFAULT_LIMITS: ToolHeaderLimits = { scopes: 1024, toolsPerScope: 1024 };

/**
 * The `x-mcp-header` declarations learnt from relayed `tools/list` results, per scope. A first
 * page (no `cursor`) replaces what the scope knew; later pages add to it; a tool whose
 * declarations are invalid is forgotten. Nothing here ever makes a header pass unchecked: a
 * declared header is compared with the argument it is declared for, and an unknown tool or header
 * falls back to pairing by name.
 */
export class ToolHeaderMemory {
  private readonly scopes = new Map<string, Map<string, HeaderDeclarations>>();
  private readonly limits: ToolHeaderLimits;

  constructor(limits: Partial<ToolHeaderLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Learns from one `tools/list` result (`{tools: [{name, inputSchema}, …]}`) relayed in `scope`. */
  learn(scope: string, result: unknown, firstPage: boolean): void {
    if (!isRecord(result) || !Array.isArray(result['tools'])) return;
    let tools = firstPage ? undefined : this.scopes.get(scope);
    this.scopes.delete(scope);
    tools ??= new Map();
    this.scopes.set(scope, tools);
    if (this.scopes.size > this.limits.scopes) {
      const oldest = this.scopes.keys().next().value;
      if (oldest !== undefined) this.scopes.delete(oldest);
    }
    for (const tool of result['tools']) {
      if (!isRecord(tool) || typeof tool['name'] !== 'string') continue;
      const declared = declarationsOf(tool['inputSchema']);
      if (declared === null) {
        tools.delete(tool['name']);
        continue;
      }
      if (!tools.has(tool['name']) && tools.size >= this.limits.toolsPerScope) continue;
      tools.set(tool['name'], declared);
    }
  }

  /** What `tool` declares in `scope`, or undefined when no `tools/list` result in it described the tool. */
  declared(scope: string, tool: string): HeaderDeclarations | undefined {
    return this.scopes.get(scope)?.get(tool);
  }

  /** The server's tools changed (or may have): nothing learnt before is relied on. */
  forgetAll(): void {
    this.scopes.clear();
  }

  /** How many scopes are remembered (tests, metrics). */
  get size(): number {
    return this.scopes.size;
  }
}
