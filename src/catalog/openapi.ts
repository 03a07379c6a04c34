import { CATALOG_CODES, catalogError } from './codes.js';
import {
  ARGUMENT_PATH,
  ENVIRONMENT_SUBJECTS,
  HEADER_NAME,
  OPERATION_NAME,
  PROJECT_SUBJECTS,
  SCHEME,
  argumentSubject,
  httpClass,
  oneLine,
  resourceKind,
  routeName,
  sanitizeName,
} from './guess.js';
import type { HttpMethod, ImportNote, ImportedApi, ImportedOperation, ResourceGuess, TokenHeader } from './model.js';
import { compare } from './order.js';
import { isObject, own, readStructured } from './source.js';
import type { KeyPath, StructuredSource } from './source.js';

/*
 * OpenAPI 3.0/3.1 and Swagger 2.0 → catalog operations. A route is written the way the extractor
 * matches it (src/extract, README "Api"): the server's base path joined to the path template,
 * split at `/` with empty segments dropped; a segment that is exactly `{name}` is a parameter
 * matching one segment, anything else is literal.
 */

const METHODS: Readonly<Record<string, HttpMethod>> = { get: 'GET', put: 'PUT', post: 'POST', delete: 'DELETE', head: 'HEAD', patch: 'PATCH' };
/** Methods OpenAPI has and a catalog route cannot hold. */
const OTHER_METHODS = ['options', 'trace'];
const HOST = /^[a-z0-9.-]+$/;

interface Context {
  file: string;
  source: StructuredSource;
  root: Record<string, unknown>;
  notes: ImportNote[];
}

function note(ctx: Context, code: ImportNote['code'], message: string, path: KeyPath): void {
  const at = ctx.source.locate(path);
  ctx.notes.push({ code, message, ...(at ? { at } : {}) });
}

function fail(ctx: Context, code: Parameters<typeof catalogError>[0], message: string, help: string, path: KeyPath): never {
  throw catalogError(code, ctx.file, message, help, ctx.source.locate(path));
}

/** A local `$ref` (`#/components/parameters/owner`) resolved; an external one is left out with a note. */
function deref(ctx: Context, value: unknown, path: KeyPath): { value: unknown; external: boolean } {
  let current = value;
  const seen = new Set<string>();
  while (isObject(current) && typeof own(current, '$ref') === 'string') {
    const ref = own(current, '$ref') as string;
    if (!ref.startsWith('#/')) return { value: undefined, external: true };
    if (seen.has(ref)) fail(ctx, CATALOG_CODES.invalidSpec, `\`$ref\` \`${ref}\` refers to itself`, 'break the `$ref` cycle', path);
    seen.add(ref);
    let target: unknown = ctx.root;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      target = isObject(target) ? own(target, key) : Array.isArray(target) && /^\d+$/.test(key) ? target[Number(key)] : undefined;
      if (target === undefined) fail(ctx, CATALOG_CODES.invalidSpec, `\`$ref\` \`${ref}\` points at nothing in the document`, 'fix the `$ref`, or define what it points at', path);
    }
    current = target;
  }
  return { value: current, external: false };
}

type Version = { kind: 'swagger' } | { kind: 'openapi' };

function version(ctx: Context): Version {
  const { root } = ctx;
  const openapi = own(root, 'openapi');
  const swagger = own(root, 'swagger');
  if (openapi !== undefined) {
    if (typeof openapi === 'string' && /^3\.[01]\.\d+(-.+)?$/.test(openapi)) return { kind: 'openapi' };
    fail(ctx, CATALOG_CODES.unsupportedVersion, `openapi version \`${String(openapi)}\` is not supported`, 'import an OpenAPI 3.0 or 3.1 document (or Swagger 2.0); converters such as swagger2openapi upgrade older ones', ['openapi']);
  }
  if (swagger !== undefined) {
    if (swagger === '2.0') return { kind: 'swagger' };
    fail(ctx, CATALOG_CODES.unsupportedVersion, `swagger version \`${String(swagger)}\` is not supported`, 'import a Swagger 2.0 or OpenAPI 3.0/3.1 document', ['swagger']);
  }
  return fail(ctx, CATALOG_CODES.notASpec, `\`${ctx.file}\` is not an OpenAPI document: it has no \`openapi\` or \`swagger\` field`, 'an OpenAPI document starts with `openapi: 3.1.0` (or `swagger: "2.0"`); for a GraphQL schema use `blastguard import graphql`', []);
}

interface Server {
  host?: string;
  basePath: string[];
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** `https://{region}.example.com/v1` with its variables' defaults filled in. */
function serverUrl(server: Record<string, unknown>): string | undefined {
  const url = own(server, 'url');
  if (typeof url !== 'string') return undefined;
  const variables = own(server, 'variables');
  return url.replace(/\{([^{}]+)\}/g, (whole, name: string) => {
    const variable = isObject(variables) ? own(variables, name) : undefined;
    const fallback = isObject(variable) ? own(variable, 'default') : undefined;
    return typeof fallback === 'string' ? fallback : whole;
  });
}

function parseServer(ctx: Context, url: string, path: KeyPath): Server | undefined {
  if (url.startsWith('/') || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return { basePath: splitPath(url.split(/[?#]/)[0] ?? '') };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    note(ctx, CATALOG_CODES.notImported, `server url \`${url}\` cannot be parsed; its host was left out`, path);
    return undefined;
  }
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  if (!HOST.test(host)) {
    note(ctx, CATALOG_CODES.notImported, `server host \`${host}\` is not a plain host name; it was left out`, path);
    return { basePath: splitPath(parsed.pathname) };
  }
  return { host, basePath: splitPath(parsed.pathname) };
}

function servers(ctx: Context, v: Version): Server[] {
  const { root } = ctx;
  if (v.kind === 'swagger') {
    const host = own(root, 'host');
    const basePath = own(root, 'basePath');
    const base = typeof basePath === 'string' ? splitPath(basePath) : [];
    if (typeof host !== 'string') return [{ basePath: base }];
    const server = parseServer(ctx, `https://${host}`, ['host']);
    return [{ ...(server?.host ? { host: server.host } : {}), basePath: base }];
  }
  const list = own(root, 'servers');
  if (list === undefined) return [];
  if (!Array.isArray(list)) fail(ctx, CATALOG_CODES.invalidSpec, '`servers` is not a list', 'write `servers:` as a list of `{ url: … }`', ['servers']);
  const out: Server[] = [];
  list.forEach((entry, i) => {
    const url = isObject(entry) ? serverUrl(entry) : undefined;
    if (url === undefined) fail(ctx, CATALOG_CODES.invalidSpec, `server ${i + 1} has no \`url\``, 'give every server a `url`', ['servers', i]);
    const server = parseServer(ctx, url, ['servers', i, 'url']);
    if (server) out.push(server);
  });
  return out;
}

function tokenHeaders(ctx: Context, v: Version): TokenHeader[] {
  const where: KeyPath = v.kind === 'swagger' ? ['securityDefinitions'] : ['components', 'securitySchemes'];
  const components = v.kind === 'swagger' ? ctx.root : own(ctx.root, 'components');
  const schemes = isObject(components) ? own(components, String(where[where.length - 1])) : undefined;
  if (!isObject(schemes)) return [];
  const headers: TokenHeader[] = [];
  const add = (header: TokenHeader, path: KeyPath): void => {
    const same = headers.find((h) => h.name.toLowerCase() === header.name.toLowerCase());
    if (!same) headers.push(header);
    else if ((same.scheme ?? '').toLowerCase() !== (header.scheme ?? '').toLowerCase()) {
      note(ctx, CATALOG_CODES.notImported, `security scheme \`${String(path[path.length - 1])}\` uses header \`${header.name}\` with another scheme than \`${same.scheme ?? '(none)'}\`; one header holds one scheme`, path);
    }
  };
  for (const [name, raw] of Object.entries(schemes)) {
    const path = [...where, name];
    const scheme = deref(ctx, raw, path).value;
    if (!isObject(scheme)) continue;
    const type = own(scheme, 'type');
    if (type === 'http') {
      const s = own(scheme, 'scheme');
      const word = typeof s === 'string' && SCHEME.test(s) ? s.charAt(0).toUpperCase() + s.slice(1).toLowerCase() : 'Bearer';
      add({ name: 'Authorization', scheme: word }, path);
    } else if (type === 'basic') {
      add({ name: 'Authorization', scheme: 'Basic' }, path);
    } else if (type === 'oauth2' || type === 'openIdConnect') {
      add({ name: 'Authorization', scheme: 'Bearer' }, path);
    } else if (type === 'apiKey') {
      const header = own(scheme, 'name');
      if (own(scheme, 'in') !== 'header') {
        note(ctx, CATALOG_CODES.notImported, `security scheme \`${name}\` sends its key in the ${String(own(scheme, 'in'))}; tokens are read from headers only`, path);
      } else if (typeof header === 'string' && HEADER_NAME.test(header)) {
        add({ name: header }, path);
      } else {
        note(ctx, CATALOG_CODES.notImported, `security scheme \`${name}\` names header \`${String(header)}\`, which is not a plain header name`, path);
      }
    }
  }
  return headers;
}

interface PathParam {
  name: string;
  multi: boolean;
}

/** The `in: path` parameters of a path item and its operation, by name (the operation's win). */
function pathParameters(ctx: Context, lists: { value: unknown; path: KeyPath }[]): Map<string, PathParam> {
  const params = new Map<string, PathParam>();
  for (const { value, path } of lists) {
    if (value === undefined) continue;
    if (!Array.isArray(value)) fail(ctx, CATALOG_CODES.invalidSpec, '`parameters` is not a list', 'write `parameters:` as a list of parameter objects', path);
    value.forEach((raw, i) => {
      const { value: param, external } = deref(ctx, raw, [...path, i]);
      if (external || !isObject(param)) return;
      const name = own(param, 'name');
      if (own(param, 'in') !== 'path' || typeof name !== 'string') return;
      params.set(name, { name, multi: own(param, 'x-multi-segment') === true });
    });
  }
  return params;
}

interface Route {
  method: HttpMethod;
  segments: string[];
  /** Route parameters in path order. */
  params: string[];
  review: string[];
}

function route(ctx: Context, method: HttpMethod, base: readonly string[], template: string, declared: Map<string, PathParam>, where: KeyPath): Route {
  const segments: string[] = [...base];
  const params: string[] = [];
  const review: string[] = [];
  let greedy: string | null = null;
  for (const segment of splitPath(template)) {
    const whole = /^\{([^{}]+)\}$/.exec(segment);
    if (whole?.[1] !== undefined) {
      // RFC 6570 `{+path}` / `{path*}`, Smithy's `{Key+}` and the `x-multi-segment: true`
      // extension say a parameter spans segments: written `{name+}`, which matches them all.
      const inner = whole[1];
      const spelledMulti = /^\+|[+*]$/.test(inner);
      const name = inner.replace(/^\+/, '').replace(/[+*]$/, '');
      params.push(name);
      const multi = spelledMulti || declared.get(name)?.multi === true;
      if (multi && greedy === null) {
        greedy = name;
        segments.push(`{${name}+}`);
        continue;
      }
      segments.push(`{${name}}`);
      if (multi) {
        const message = `\`${method} ${template}\`: parameter \`${name}\` holds slashes, but \`{${greedy}+}\` already spans segments and a route has one such parameter, so a value with \`/\` matches no route`;
        note(ctx, CATALOG_CODES.multiSegment, message, where);
        review.push(`\`{${name}}\` holds slashes in the API, but matches one segment here: \`{${greedy}+}\` is the route's one multi-segment parameter (BG670)`);
      }
    } else {
      if (/[{}]/.test(segment)) {
        note(ctx, CATALOG_CODES.literalSegment, `\`${method} ${template}\`: segment \`${segment}\` mixes text and parameters; routes match it literally, so requests never match`, where);
        review.push(`segment \`${segment}\` is matched literally: requests never match this route (BG671)`);
      }
      segments.push(segment);
    }
  }
  return { method, segments, params, review };
}

/**
 * The resource a route acts on: its last path parameter, of the kind the segment before it names.
 * A parameter right after another (`/repos/{owner}/{repo}`) names the resource within its parent
 * (every owner may have a `web`): the id is composed, `{owner}/{repo}`, of the kind the segment
 * before the parent names.
 */
function resourceFromRoute(r: Route): ResourceGuess | undefined {
  const usable = r.params.filter((p) => ARGUMENT_PATH.test(p));
  const idArg = usable.filter((p) => !ENVIRONMENT_SUBJECTS.has(argumentSubject(p))).pop() ?? usable[usable.length - 1];
  if (idArg === undefined) return undefined;
  const index = r.segments.findIndex((s) => s === `{${idArg}}` || s === `{${idArg}+}`);
  const before = index > 0 ? r.segments[index - 1] : undefined;
  const parent = before !== undefined && r.segments[index] === `{${idArg}}` ? /^\{([^{}+]+)\}$/.exec(before)?.[1] : undefined;
  const composed = parent !== undefined && usable.includes(parent) && !ENVIRONMENT_SUBJECTS.has(argumentSubject(parent)) && !PROJECT_SUBJECTS.has(argumentSubject(parent));
  const named = composed ? (index > 1 ? r.segments[index - 2] : undefined) : before;
  const kind = (named !== undefined && !named.startsWith('{') ? resourceKind(named) : null) ?? resourceKind(argumentSubject(idArg) || idArg);
  if (kind === null) return undefined;
  const why = `guessed from the path parameters ${r.params.map((p) => `{${p}}`).join(' ')}`;
  const guess: ResourceGuess = composed ? { kind, id: `{${parent}}/{${idArg}}`, why: `${why}; \`{${idArg}}\` is named within \`{${parent}}\`` } : { kind, idArg, why };
  const environmentArg = usable.find((p) => p !== idArg && ENVIRONMENT_SUBJECTS.has(argumentSubject(p)));
  const projectArg = usable.find((p) => p !== idArg && PROJECT_SUBJECTS.has(argumentSubject(p)));
  if (environmentArg !== undefined) guess.environmentArg = environmentArg;
  if (projectArg !== undefined) guess.projectArg = projectArg;
  return guess;
}

interface Found {
  operationId?: string;
  route: Route;
  description?: string;
  where: KeyPath;
}

function collect(ctx: Context, base: readonly string[]): Found[] {
  const paths = own(ctx.root, 'paths');
  if (paths === undefined) return [];
  if (!isObject(paths)) fail(ctx, CATALOG_CODES.invalidSpec, '`paths` is not a map of path templates', 'write `paths:` as a map from `/path/{param}` to path items', ['paths']);
  const found: Found[] = [];
  for (const [template, rawItem] of Object.entries(paths)) {
    if (template.startsWith('x-')) continue;
    if (!template.startsWith('/')) fail(ctx, CATALOG_CODES.invalidSpec, `path \`${template}\` does not start with \`/\``, 'path templates start with `/`, e.g. `/repos/{owner}/{repo}`', ['paths', template]);
    const { value: item, external } = deref(ctx, rawItem, ['paths', template]);
    if (external) {
      note(ctx, CATALOG_CODES.notImported, `path \`${template}\` is a \`$ref\` to another file; bundle the document first (e.g. \`redocly bundle\`)`, ['paths', template]);
      continue;
    }
    if (!isObject(item)) fail(ctx, CATALOG_CODES.invalidSpec, `path \`${template}\` is not a path item object`, 'a path item maps methods (`get`, `delete` …) to operations', ['paths', template]);
    if (own(item, 'servers') !== undefined) note(ctx, CATALOG_CODES.notImported, `path \`${template}\` has its own \`servers\`; the document's base path was used`, ['paths', template, 'servers']);
    for (const [key, raw] of Object.entries(item)) {
      const where = ['paths', template, key];
      if (OTHER_METHODS.includes(key)) {
        note(ctx, CATALOG_CODES.notImported, `\`${key.toUpperCase()} ${template}\` is left out: a catalog route is GET, HEAD, POST, PUT, PATCH or DELETE`, where);
        continue;
      }
      const method = METHODS[key];
      if (method === undefined) continue;
      if (!isObject(raw)) fail(ctx, CATALOG_CODES.invalidSpec, `\`${key} ${template}\` is not an operation object`, 'an operation is a map with `operationId`, `parameters`, `responses` …', where);
      if (own(raw, 'servers') !== undefined) note(ctx, CATALOG_CODES.notImported, `\`${method} ${template}\` has its own \`servers\`; the document's base path was used`, [...where, 'servers']);
      const declared = pathParameters(ctx, [
        { value: own(item, 'parameters'), path: ['paths', template, 'parameters'] },
        { value: own(raw, 'parameters'), path: [...where, 'parameters'] },
      ]);
      const operationId = own(raw, 'operationId');
      const description = oneLine(own(raw, 'summary')) ?? oneLine(own(raw, 'description'));
      found.push({
        ...(typeof operationId === 'string' && operationId !== '' ? { operationId } : {}),
        route: route(ctx, method, base, template, declared, where),
        ...(description !== undefined ? { description } : {}),
        where,
      });
    }
  }
  return found;
}

function routeKey(r: Route): string {
  return `${r.method} /${r.segments.map((s) => (s.startsWith('{') && s.endsWith('}') ? '{}' : s)).join('/')}`;
}

function pathOf(r: Route): string {
  return `/${r.segments.join('/')}`;
}

/** Reads an OpenAPI 3.0/3.1 or Swagger 2.0 document (JSON or YAML). */
export function readOpenApi(text: string, file: string): ImportedApi {
  const source = readStructured(text, file);
  if (!isObject(source.value)) {
    throw catalogError(CATALOG_CODES.notASpec, file, `\`${file}\` is not an OpenAPI document: its top level is not a map`, 'an OpenAPI document is a map starting with `openapi: 3.1.0`', source.locate([]));
  }
  const ctx: Context = { file, source, root: source.value, notes: [] };
  const v = version(ctx);
  const list = servers(ctx, v);
  const base = list[0]?.basePath ?? [];
  list.slice(1).forEach((s, i) => {
    if (s.basePath.join('/') !== base.join('/')) {
      note(ctx, CATALOG_CODES.notImported, `server ${i + 2} has base path \`/${s.basePath.join('/')}\`, not \`/${base.join('/')}\`; routes use the first server's`, ['servers', i + 1]);
    }
  });
  const found = collect(ctx, base);
  if (found.length === 0) {
    throw catalogError(CATALOG_CODES.noOperations, file, `\`${file}\` declares no operations`, 'the catalog is built from `paths`: add at least one operation (get, post, put, patch, delete, head)', source.locate(['paths']));
  }

  // Names: the operationId when the schema allows it; otherwise derived, and said so.
  const taken = new Map<string, Found>();
  const operations: ImportedOperation[] = [];
  const ordered = [...found].sort((a, b) => compare(routeKey(a.route), routeKey(b.route)));
  const byRoute = new Map<string, string[]>();
  const named: { found: Found; name: string; review: string[] }[] = [];
  for (const f of ordered) {
    const review = [...f.route.review];
    let name: string;
    if (f.operationId !== undefined && OPERATION_NAME.test(f.operationId)) name = f.operationId;
    else if (f.operationId !== undefined) {
      name = sanitizeName(f.operationId);
      review.push(`operationId \`${f.operationId}\`: names cannot hold all of its characters`);
    } else {
      name = routeName(f.route.method, f.route.segments);
      review.push('no operationId: name derived from the route');
    }
    if (taken.has(name)) {
      let n = 2;
      while (taken.has(`${name}-${n}`)) n++;
      const first = taken.get(name)!;
      note(ctx, CATALOG_CODES.nameCollision, `\`${f.route.method} ${pathOf(f.route)}\` would be named \`${name}\` like \`${first.route.method} ${pathOf(first.route)}\`; it is \`${name}-${n}\``, f.where);
      name = `${name}-${n}`;
      review.push(`renamed: another operation is also \`${name.replace(/-\d+$/, '')}\` (BG673)`);
    }
    taken.set(name, f);
    byRoute.set(routeKey(f.route), [...(byRoute.get(routeKey(f.route)) ?? []), name]);
    named.push({ found: f, name, review });
  }
  for (const { found: f, name, review } of named) {
    const same = byRoute.get(routeKey(f.route)) ?? [];
    if (same.length > 1) {
      const others = same.filter((n) => n !== name);
      note(ctx, CATALOG_CODES.duplicateRoute, `\`${name}\` has the same method and path template as ${others.map((o) => `\`${o}\``).join(', ')}: a request to it matches both`, f.where);
      review.push(`same method and path as ${others.map((o) => `\`${o}\``).join(', ')}: requests are ambiguous (BG672)`);
    }
    const resource = resourceFromRoute(f.route);
    operations.push({
      name,
      class: httpClass(name, f.route.method),
      http: { method: f.route.method, path: pathOf(f.route) },
      ...(resource ? { resource } : {}),
      ...(f.description !== undefined ? { description: f.description } : {}),
      review,
    });
  }

  const info = own(ctx.root, 'info');
  const title = isObject(info) ? own(info, 'title') : undefined;
  return {
    protocol: 'http',
    ...(typeof title === 'string' ? { title } : {}),
    hosts: [...new Set(list.flatMap((s) => (s.host ? [s.host] : [])))],
    tokenHeaders: tokenHeaders(ctx, v),
    operations: operations.sort((a, b) => compare(a.name, b.name)),
    notes: ctx.notes,
  };
}
