import { GraphQLError, buildASTSchema, buildClientSchema, getNamedType, isInputObjectType, isLeafType, isNonNullType, parse, visit } from 'graphql';
import type { DocumentNode, GraphQLArgument, GraphQLField, GraphQLInputField, GraphQLObjectType, GraphQLSchema, IntrospectionQuery } from 'graphql';
import { CATALOG_CODES, catalogError } from './codes.js';
import { ARGUMENT_PATH, ENVIRONMENT_SUBJECTS, PROJECT_SUBJECTS, argumentSubject, graphqlClass, oneLine, resourceKind } from './guess.js';
import { splitOperationName } from '../core/classify.js';
import type { GraphqlType, ImportNote, ImportedApi, ImportedOperation, ResourceGuess } from './model.js';
import { compare } from './order.js';
import { isObject, own } from './source.js';

/*
 * A GraphQL schema (SDL, or the JSON result of an introspection query) → catalog operations: every
 * root field of Mutation, Subscription and Query, named by the field, as the extractor names them.
 */

function schemaFrom(text: string, file: string): GraphQLSchema {
  if (/^\s*\{/.test(text)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw catalogError(CATALOG_CODES.syntax, file, `\`${file}\` is not well-formed json: ${e instanceof Error ? e.message.toLowerCase() : 'unreadable'}`, 'an introspection result is the JSON a server answers to the introspection query; an SDL file starts with a type definition');
    }
    const data = isObject(json) && isObject(own(json, 'data')) ? own(json, 'data') : json;
    if (!isObject(data) || !isObject(own(data, '__schema'))) {
      throw catalogError(CATALOG_CODES.notASpec, file, `\`${file}\` is json but not a graphql introspection result: it has no \`__schema\``, 'import the JSON a server answers to the introspection query (`{ "data": { "__schema": … } }`), or the schema as SDL; for OpenAPI use `blastguard import openapi`');
    }
    try {
      return buildClientSchema(data as unknown as IntrospectionQuery);
    } catch (e) {
      throw catalogError(CATALOG_CODES.invalidSpec, file, `\`${file}\` is not a valid introspection result: ${e instanceof Error ? (e.message.split('\n')[0] ?? '').toLowerCase() : 'invalid'}`, 'export the introspection result again with the full introspection query (graphql-js `getIntrospectionQuery()`)');
    }
  }
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (e) {
    if (!(e instanceof GraphQLError)) throw e;
    const at = e.locations?.[0];
    const first = (e.message.split('\n')[0] ?? e.message).replace(/^Syntax Error: /, '').replace(/\.$/, '');
    throw catalogError(CATALOG_CODES.syntax, file, `\`${file}\` is not well-formed graphql sdl: ${first.toLowerCase()}`, 'an SDL schema is type definitions (`type Mutation { … }`); for OpenAPI use `blastguard import openapi`', at ? { line: at.line, column: at.column } : undefined);
  }
  try {
    return buildASTSchema(document);
  } catch (e) {
    // graphql-js joins its SDL validation errors into one plain Error: the first one is reported,
    // at the first use of the type it names when it names one.
    const first = (e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)).replace(/\.$/, '');
    const named = /type "([_A-Za-z][_0-9A-Za-z]*)"/.exec(first)?.[1];
    let at: { line: number; column: number } | undefined;
    if (named !== undefined) {
      visit(document, {
        NamedType(node) {
          if (at === undefined && node.name.value === named && node.loc) at = { line: node.loc.startToken.line, column: node.loc.startToken.column };
        },
      });
    }
    throw catalogError(CATALOG_CODES.invalidSpec, file, `\`${file}\` is not a valid graphql schema: ${first.toLowerCase()}`, 'fix the schema so graphql-js `buildSchema` accepts it: every type used must be defined once', at);
  }
}

type Arg = GraphQLArgument | GraphQLInputField;

/** Leaf arguments worth guessing an id from, with their dotted paths (one level into input objects). */
function leafArguments(args: readonly Arg[]): { path: string; name: string }[] {
  const out: { path: string; name: string }[] = [];
  for (const arg of args) {
    const named = getNamedType(arg.type);
    if (isLeafType(named)) out.push({ path: arg.name, name: arg.name });
    else if (isInputObjectType(named) && isNonNullType(arg.type)) {
      for (const field of Object.values(named.getFields())) {
        if (isLeafType(getNamedType(field.type))) out.push({ path: `${arg.name}.${field.name}`, name: field.name });
      }
    }
  }
  return out.filter((a) => ARGUMENT_PATH.test(a.path));
}

/** The noun of a root field: `customDomainDelete` → `customDomain`; a query's whole name. */
function fieldNoun(field: string, type: GraphqlType): string {
  const words = splitOperationName(field);
  return type === 'query' || words.length < 2 ? field : words.slice(0, -1).join('');
}

function resourceFromArguments(field: GraphQLField<unknown, unknown>, type: GraphqlType): ResourceGuess | undefined {
  const leaves = leafArguments(field.args);
  const ids = leaves.filter((a) => a.name === 'id' || /[a-z0-9](Id|ID|_id)$/.test(a.name));
  const noun = fieldNoun(field.name, type);
  const nounKind = resourceKind(noun);
  const isEnv = (a: { name: string }): boolean => ENVIRONMENT_SUBJECTS.has(argumentSubject(a.name));
  const isProject = (a: { name: string }): boolean => PROJECT_SUBJECTS.has(argumentSubject(a.name));
  // Best: `id`; then `<noun>Id`; then an id that is not environment or project; then the project.
  const plainId = ids.find((a) => a.path === 'id');
  const nounId = ids.find((a) => nounKind !== null && argumentSubject(a.name) === nounKind.toLowerCase());
  const otherId = ids.find((a) => !isEnv(a) && !isProject(a));
  const projectId = ids.find(isProject);
  const chosen = plainId ?? nounId ?? otherId ?? projectId;
  if (chosen === undefined) return undefined;
  const kind = chosen === plainId ? nounKind : resourceKind(argumentSubject(chosen.name));
  if (kind === null) return undefined;
  const guess: ResourceGuess = { kind, idArg: chosen.path, why: `guessed from the arguments of \`${field.name}\`` };
  const environment = ids.find((a) => a !== chosen && isEnv(a));
  const project = ids.find((a) => a !== chosen && isProject(a));
  if (environment) guess.environmentArg = environment.path;
  if (project) guess.projectArg = project.path;
  return guess;
}

/** Reads a GraphQL schema as SDL or as an introspection result (JSON). */
export function readGraphql(text: string, file: string): ImportedApi {
  const schema = schemaFrom(text, file);
  const notes: ImportNote[] = [];
  const roots: [GraphqlType, GraphQLObjectType | null | undefined][] = [
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
    ['query', schema.getQueryType()],
  ];
  const byName = new Map<string, ImportedOperation>();
  for (const [type, root] of roots) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const existing = byName.get(field.name);
      if (existing) {
        // The extractor names an operation by its field: one name, one catalog entry, the riskier root type kept.
        const at = field.astNode?.loc?.startToken;
        notes.push({ code: CATALOG_CODES.nameCollision, message: `\`${field.name}\` is a field of both ${existing.type} and ${type}; the catalog keeps the ${existing.type}`, ...(at ? { at: { line: at.line, column: at.column } } : {}) });
        continue;
      }
      const resource = resourceFromArguments(field, type);
      const description = oneLine(field.description);
      byName.set(field.name, {
        name: field.name,
        class: graphqlClass(field.name, type),
        type,
        ...(resource ? { resource } : {}),
        ...(description !== undefined ? { description } : {}),
        review: [],
      });
    }
  }
  if (byName.size === 0) {
    throw catalogError(CATALOG_CODES.noOperations, file, `\`${file}\` has no Query, Mutation or Subscription fields`, 'the catalog is built from the root types\' fields: is this the whole schema and not one part of it?');
  }
  return {
    protocol: 'graphql',
    hosts: [],
    tokenHeaders: [],
    operations: [...byName.values()].sort((a, b) => compare(a.name, b.name)),
    notes,
  };
}
