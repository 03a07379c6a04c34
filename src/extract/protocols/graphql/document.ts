import { Kind, print } from 'graphql';
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  OperationDefinitionNode,
  SelectionSetNode,
  TypeNode,
  ValueNode,
  VariableDefinitionNode,
} from 'graphql';
import { parseJsonNotingDuplicates } from '../../../core/json.js';
import { oneLine } from '../../../core/one-line.js';
import { hasOwn, isRecord } from '../../../core/record.js';
import { EXTRACT_CODES } from '../../codes.js';
import { ExtractFailure, fail } from '../../failure.js';
import { inexactNumber } from '../../request.js';
import { parseDocument } from './document-cache.js';
import { selectionOf, type Selection } from './selection.js';

export { selectOperation } from './selection.js';

/*
 * GraphQL, October 2021 (https://spec.graphql.org/October2021/), the parts that say which root
 * fields a request runs:
 *
 *   Document            : Definition+
 *   OperationDefinition : OperationType Name? VariableDefinitions? Directives? SelectionSet
 *   Selection           : Field | FragmentSpread | InlineFragment
 *   Field               : Alias? Name Arguments? Directives? SelectionSet?
 *
 * GetOperation (§6.1): the operation named by `operationName`, else the only one. CoerceVariableValues
 * (§6.1.2): supplied value, else default, else null, a Non-Null variable without one is an error.
 * CollectFields (§6.3.2): fragments and inline fragments are expanded into the root selection set.
 */

/** One GraphQL request: the members of a JSON body or of GET parameters, not yet checked. */
export interface GraphqlRequest {
  query: unknown;
  variables: unknown;
  operationName: unknown;
}

/** One root field the selected operation executes. */
export interface RootField {
  name: string;
  responseKey: string;
  operationType: 'query' | 'mutation' | 'subscription';
  /** The field's arguments with variables substituted (Int literals kept as their digits). */
  args: Record<string, unknown>;
}

// Bounds parsing work on hostile documents; far above any real client operation.
export const MAX_TOKENS = 50_000;
const MAX_DEPTH = 200;

/**
 * The root fields of the operation a GraphQL request selects, through aliases, fragment spreads
 * and inline fragments. Directives (`@skip`, `@include`) are deliberately ignored: a field that
 * might run is treated as running, so a policy can only over-approximate what a call does.
 */
export function graphqlRootFields(request: GraphqlRequest): RootField[] {
  return guarded(() => rootFields(request));
}

/**
 * `graphqlRootFields` of a request whose document is already parsed: the canonical request the
 * proxy printed, read from the document it printed instead of from its text again.
 */
export function graphqlRootFieldsOf(document: DocumentNode, variables: unknown, operationName: string | undefined): RootField[] {
  return guarded(() => fieldsOf(document, readVariables(variables), operationName));
}

function guarded(read: () => RootField[]): RootField[] {
  try {
    return read();
  } catch (e) {
    if (e instanceof ExtractFailure) throw e;
    // Deeply nested documents can exhaust the parser's stack; that is a malformed request, not a crash.
    if (e instanceof RangeError) fail(EXTRACT_CODES.graphqlSyntax, 'graphql document is nested too deeply');
    throw e;
  }
}

function rootFields(request: GraphqlRequest): RootField[] {
  const { query, operationName } = request;
  if (query === undefined || query === null || (typeof query === 'string' && query.trim() === '')) {
    fail(EXTRACT_CODES.missingQuery, 'the request has no graphql `query`');
  }
  if (typeof query !== 'string') fail(EXTRACT_CODES.invalidBody, 'graphql `query` must be a string');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    fail(EXTRACT_CODES.invalidBody, '`operationName` must be a string');
  }
  const variables = readVariables(request.variables);

  let document: DocumentNode;
  try {
    document = parseDocument(query, MAX_TOKENS);
  } catch (e) {
    if (e instanceof RangeError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    fail(EXTRACT_CODES.graphqlSyntax, `graphql ${oneLine(message).slice(0, 200).replace(/^syntax error/i, 'syntax error')}`);
  }
  return fieldsOf(document, variables, typeof operationName === 'string' ? operationName : undefined);
}

function fieldsOf(document: DocumentNode, variables: Record<string, unknown>, operationName: string | undefined): RootField[] {
  const selection = selectionOf(document, operationName !== undefined && operationName !== '' ? operationName : null);
  const { operation, fragments } = selection;
  const resolved = resolveVariables(operation, variables);
  const known = rootFieldNodes.get(selection);
  if (known !== undefined) return known.map((node) => rootField(node, resolved, operation));

  const fields: RootField[] = [];
  const nodes: FieldNode[] = [];
  const seen = new Set<string>();
  collect(operation.selectionSet, fragments, new Set(), 0, (node) => {
    const name = node.name.value;
    const responseKey = node.alias?.value ?? name;
    // GraphQL merges fields with one response key into one execution; the same key with other
    // arguments is a validation error upstream, which we still report as two operations.
    const signature = `${responseKey}\u0000${name}\u0000${printedArguments(node)}`;
    if (seen.has(signature)) return;
    seen.add(signature);
    fields.push(rootField(node, resolved, operation));
    nodes.push(node);
  });
  if (fields.length === 0) fail(EXTRACT_CODES.noOperation, 'the selected graphql operation selects no field');
  rootFieldNodes.set(selection, nodes);
  return fields;
}

/*
 * The root field nodes a selection runs, once they were all collected without a failure: which
 * they are depends on the document alone (fragments expanded, repeats merged), not on variables.
 * A selection whose walk failed is walked again, so its failure comes in the order it always did.
 */
const rootFieldNodes = new WeakMap<Selection, readonly FieldNode[]>();

function rootField(node: FieldNode, resolved: ReadonlyMap<string, unknown>, operation: OperationDefinitionNode): RootField {
  const name = node.name.value;
  const args: Record<string, unknown> = {};
  for (const argument of node.arguments ?? []) {
    // Servers reject repeated names in validation; one that skips it may keep either copy.
    if (hasOwn(args, argument.name.value)) {
      fail(EXTRACT_CODES.graphqlSyntax, `graphql field \`${name}\` is given argument \`${argument.name.value}\` twice`);
    }
    args[argument.name.value] = valueOf(argument.value, resolved, operation);
  }
  return { name, responseKey: node.alias?.value ?? name, operationType: operation.operation as RootField['operationType'], args };
}

// A field of a cached document is met again with every request that resends it.
const printed = new WeakMap<FieldNode, string>();

function printedArguments(node: FieldNode): string {
  let text = printed.get(node);
  if (text === undefined) {
    text = (node.arguments ?? []).map((a) => print(a)).join(',');
    printed.set(node, text);
  }
  return text;
}

export function readVariables(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  let value: unknown = raw;
  // Some clients send `variables` as a JSON string, as GET requests always do.
  if (typeof value === 'string') {
    if (value.trim() === '') return {};
    const json = parseJsonNotingDuplicates(value) ?? fail(EXTRACT_CODES.invalidBody, 'graphql `variables` is not valid json');
    if (json.duplicate !== null) {
      fail(EXTRACT_CODES.invalidBody, 'graphql `variables` repeats a member name in one object: parsers differ on which copy they keep');
    }
    if (json.inexact !== null) inexactNumber('graphql `variables`', json.inexact);
    value = json.value;
  }
  if (!isRecord(value)) fail(EXTRACT_CODES.missingVariable, 'graphql `variables` must be an object');
  return value;
}

/**
 * The operation's variables as the server would coerce them: supplied values, else defaults, else
 * null; a non-null variable left without a value fails the whole request, as it does upstream.
 */
export function resolveVariables(operation: OperationDefinitionNode, supplied: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (out.has(name)) fail(EXTRACT_CODES.graphqlSyntax, `graphql variable \`$${name}\` is declared twice`);
    out.set(name, variableValue(operation, definition, name, supplied));
  }
  return out;
}

/** One variable's value as the server would coerce it, or the refusal of its missing or null value. */
function variableValue(operation: OperationDefinitionNode, definition: VariableDefinitionNode, name: string, supplied: Record<string, unknown>): unknown {
  let value: unknown = null;
  if (hasOwn(supplied, name) && supplied[name] !== undefined) value = supplied[name];
  else if (definition.defaultValue) value = valueOf(definition.defaultValue, new Map(), operation);
  else if (isNonNull(definition.type)) fail(EXTRACT_CODES.missingVariable, `graphql variable \`$${name}\` is required but has no value`);
  if (value === null && isNonNull(definition.type)) {
    fail(EXTRACT_CODES.missingVariable, `graphql variable \`$${name}\` is required but is null`);
  }
  return value;
}

/**
 * `resolveVariables` for its refusals alone, in the same order, without the map of values: what
 * the canonical request of a document without `@skip`/`@include` needs. A long list of
 * definitions goes through `resolveVariables` itself (its repeats are found through the map).
 */
export function checkVariables(operation: OperationDefinitionNode, supplied: Record<string, unknown>): void {
  const definitions = operation.variableDefinitions ?? [];
  if (definitions.length > 16) {
    resolveVariables(operation, supplied);
    return;
  }
  for (let i = 0; i < definitions.length; i++) {
    const definition = definitions[i]!;
    const name = definition.variable.name.value;
    for (let j = 0; j < i; j++) if (definitions[j]!.variable.name.value === name) fail(EXTRACT_CODES.graphqlSyntax, `graphql variable \`$${name}\` is declared twice`);
    variableValue(operation, definition, name, supplied);
  }
}

function isNonNull(type: TypeNode): boolean {
  return type.kind === Kind.NON_NULL_TYPE;
}

export function valueOf(node: ValueNode, variables: ReadonlyMap<string, unknown>, operation: OperationDefinitionNode): unknown {
  switch (node.kind) {
    case Kind.VARIABLE: {
      const name = node.name.value;
      if (!variables.has(name)) {
        const declared = (operation.variableDefinitions ?? []).some((d) => d.variable.name.value === name);
        if (!declared) fail(EXTRACT_CODES.missingVariable, `graphql variable \`$${name}\` is used but not declared by the operation`);
        return null;
      }
      return variables.get(name);
    }
    case Kind.INT:
      return node.value;
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => valueOf(v, variables, operation));
    case Kind.OBJECT: {
      const out: Record<string, unknown> = {};
      for (const field of node.fields) {
        if (hasOwn(out, field.name.value)) {
          fail(EXTRACT_CODES.graphqlSyntax, `graphql input object gives field \`${field.name.value}\` twice`);
        }
        out[field.name.value] = valueOf(field.value, variables, operation);
      }
      return out;
    }
  }
}

function collect(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visiting: Set<string>,
  depth: number,
  onField: (field: FieldNode) => void,
): void {
  if (depth > MAX_DEPTH) fail(EXTRACT_CODES.graphqlSyntax, 'graphql fragments are nested too deeply');
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      onField(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, fragments, visiting, depth + 1, onField);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment) fail(EXTRACT_CODES.unknownFragment, `graphql fragment \`${name}\` is not defined`);
      // A fragment cycle is rejected upstream; its fields are already collected on the first visit.
      if (visiting.has(name)) continue;
      visiting.add(name);
      collect(fragment.selectionSet, fragments, visiting, depth + 1, onField);
      visiting.delete(name);
    }
  }
}


