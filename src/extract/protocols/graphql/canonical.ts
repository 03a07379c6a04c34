import { Kind, print, visit } from 'graphql';
import type {
  ASTNode,
  DirectiveNode,
  DocumentNode,
  FragmentDefinitionNode,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { stableMemberText } from '../../../core/json-stable.js';
import { oneLine } from '../../../core/one-line.js';
import { hasOwn, isRecord } from '../../../core/record.js';
import { EXTRACT_CODES } from '../../codes.js';
import { ExtractFailure, fail } from '../../failure.js';
import type { ForwardLimits } from '../../types.js';
import { checkMemberCase } from '../../params.js';
import type { PrintedRequest } from './decided.js';
import { parseDocument } from './document-cache.js';
import { checkVariables, readVariables, resolveVariables, valueOf } from './document.js';
import { selectionOf } from './selection.js';
import { GRAPHQL_MEMBERS, persistedMembers, persistedNextToQuery } from './members.js';

/*
 * The canonical GraphQL request the egress proxy forwards (GraphQL over HTTP, "application/json"):
 *
 *   POST <endpoint>   Content-Type: application/json
 *   {"query": <the selected operation and the fragments it uses, printed by graphql-js>,
 *    "operationName": <its name, when it has one>, "variables": <the variables it declares>}
 *
 * CollectFields (§6.3.2) is applied to `@skip`/`@include` with the request's variables before
 * printing, so the printed document carries no conditional selection: what the extractor decides
 * on it is exactly what the server executes.
 */

/** One GraphQL request as forwarded: the members of its JSON object. */
export interface CanonicalGraphqlRequest {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

/**
 * The canonical form of one GraphQL request object (a batch element, a GET's parameters, a POST
 * body), with the document its `query` is printed from.
 */
export function canonicalGraphqlRequest(entry: unknown, limits: ForwardLimits, method: string, text?: string): PrintedRequest {
  if (!isRecord(entry)) fail(EXTRACT_CODES.invalidBody, 'a graphql request must be a json object');
  checkMemberCase(entry, GRAPHQL_MEMBERS);
  const persisted = persistedMembers(entry);
  if (entry.query !== undefined && entry.query !== null && persisted.length > 0) persistedNextToQuery(persisted);
  if (persisted.length > 0) fail(EXTRACT_CODES.missingQuery, 'the request names a stored document and the api declares no trusted documents');
  try {
    return canonical(entry, limits, method, text);
  } catch (e) {
    if (e instanceof ExtractFailure) throw e;
    if (e instanceof RangeError) fail(EXTRACT_CODES.limitExceeded, 'graphql document is nested too deeply');
    throw e;
  }
}

function canonical(entry: Readonly<Record<string, unknown>>, limits: ForwardLimits, method: string, text: string | undefined): PrintedRequest {
  const { query, operationName } = entry;
  if (query === undefined || query === null || (typeof query === 'string' && query.trim() === '')) fail(EXTRACT_CODES.missingQuery, 'the request has no graphql `query`');
  if (typeof query !== 'string') fail(EXTRACT_CODES.invalidBody, 'graphql `query` must be a string');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') fail(EXTRACT_CODES.invalidBody, '`operationName` must be a string');
  const supplied = readVariables(entry.variables);
  let document: DocumentNode;
  try {
    document = parseDocument(query, limits.maxTokens);
  } catch (e) {
    if (e instanceof RangeError) throw e;
    const message = oneLine(e instanceof Error ? e.message : String(e));
    if (/maximum number of tokens/i.test(message)) fail(EXTRACT_CODES.limitExceeded, `the graphql document has more than ${limits.maxTokens} tokens`);
    fail(EXTRACT_CODES.graphqlSyntax, `graphql ${message.slice(0, 200).replace(/^syntax error/i, 'syntax error')}`);
  }
  const { operation, fragments } = selectionOf(document, typeof operationName === 'string' && operationName !== '' ? operationName : null);
  // GraphQL over HTTP: a server refuses a mutation sent with GET; a POST would run it.
  if (method === 'GET' && operation.operation !== 'query') fail(EXTRACT_CODES.notForwardable, `a graphql ${operation.operation} sent with GET, which servers refuse`);
  // Most documents carry no condition: the walk that evaluates them is skipped, and what is printed
  // depends on the document alone, so it is printed once per document (see `unconditional`). The
  // variables are checked either way; their values are only needed to evaluate conditions.
  const conditional = query.includes('@skip') || query.includes('@include');
  let shape: Written;
  if (conditional) shape = written(operation, fragments, limits, pruneWith(operation, resolveVariables(operation, supplied)), true);
  else {
    checkVariables(operation, supplied);
    shape = unconditional(operation, fragments, limits);
  }
  const { kept, document: printedDocument, printed, head } = shape;
  const out: CanonicalGraphqlRequest = { query: printed };
  if (operation.name !== undefined) out.operationName = operation.name.value;
  const values: Record<string, unknown> = {};
  for (const d of kept.variableDefinitions ?? []) {
    const name = d.variable.name.value;
    if (hasOwn(supplied, name) && supplied[name] !== undefined) values[name] = supplied[name];
  }
  if (hasOwnMember(values)) out.variables = values;
  // `JSON.stringify(out)`: its members in that order, the ones the written form fixes written once with it.
  const json = out.variables === undefined ? `${head}}` : `${head},"variables":${(text !== undefined && sentAsWritten(entry, supplied, kept) ? stableMemberText(text, entry, 'variables') : undefined) ?? JSON.stringify(out.variables)}}`;
  return { request: out, document: printedDocument, json };
}

/** `Object.keys(record).length > 0`, without the list of keys. */
function hasOwnMember(record: object): boolean {
  for (const key in record) if (hasOwn(record, key)) return true;
  return false;
}

/**
 * Whether the variables forwarded are the supplied object's members, all of them, in its order:
 * then `JSON.stringify` writes both alike, and the entry's own text of `variables` is what it
 * would write. `__proto__` is left to `JSON.stringify`: set on the forwarded object, it is no member.
 */
function sentAsWritten(entry: Readonly<Record<string, unknown>>, supplied: Readonly<Record<string, unknown>>, kept: OperationDefinitionNode): boolean {
  if (entry.variables !== supplied) return false;
  const names = Object.keys(supplied);
  let at = 0;
  for (const d of kept.variableDefinitions ?? []) {
    const name = d.variable.name.value;
    if (!hasOwn(supplied, name) || supplied[name] === undefined) continue;
    if (name === '__proto__' || names[at] !== name) return false;
    at++;
  }
  return at === names.length;
}

/** CollectFields' pruning of one request: `@skip`/`@include` evaluated with its variables, made only for a document that has them. */
function pruneWith(operation: OperationDefinitionNode, variables: ReadonlyMap<string, unknown>): Prune {
  const condition = (directive: DirectiveNode): boolean => {
    const [argument, ...rest] = directive.arguments ?? [];
    if (argument === undefined || argument.name.value !== 'if' || rest.length > 0) fail(EXTRACT_CODES.unreadableDirective, `\`@${directive.name.value}\` takes exactly one argument \`if\``);
    const value = valueOf(argument.value, variables, operation);
    if (typeof value !== 'boolean') fail(EXTRACT_CODES.unreadableDirective, `\`@${directive.name.value}(if:)\` is not a boolean`);
    return value;
  };
  // CollectFields: a selection runs unless `@skip(if: true)` or `@include(if: false)`.
  return <T extends ASTNode>(node: T): T | null =>
    visit(node, {
      enter(n) {
        if (n.kind !== Kind.FIELD && n.kind !== Kind.INLINE_FRAGMENT && n.kind !== Kind.FRAGMENT_SPREAD) return undefined;
        const seen = new Set<string>();
        let runs = true;
        for (const d of n.directives ?? []) {
          const name = d.name.value;
          if (name !== 'skip' && name !== 'include') continue;
          if (seen.has(name)) fail(EXTRACT_CODES.unreadableDirective, `\`@${name}\` is repeated on one selection`);
          seen.add(name);
          const value = condition(d);
          if ((name === 'skip' && value) || (name === 'include' && !value)) runs = false;
        }
        if (!runs) return null;
        if (seen.size === 0) return undefined;
        return { ...n, directives: (n.directives ?? []).filter((d) => d.name.value !== 'skip' && d.name.value !== 'include') };
      },
      SelectionSet: {
        leave(set: SelectionSetNode) {
          if (set.selections.length === 0) fail(EXTRACT_CODES.notForwardable, '`@skip`/`@include` leave a selection set empty, which cannot be printed as a request');
          return undefined;
        },
      },
    }) as T | null;
}

/** The selected operation and the fragments it uses, pruned, checked against the limits, and printed. */
interface Written {
  kept: OperationDefinitionNode;
  /** The operation as kept and the fragments it uses: the document `printed` is the text of. */
  document: DocumentNode;
  printed: string;
  /** The canonical request's JSON up to its variables: `{"query":…` and `,"operationName":…` when the operation has a name. */
  head: string;
}

type Prune = <T extends ASTNode>(node: T) => T | null;

function written(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, limits: ForwardLimits, prune: Prune, conditional: boolean): Written {
  const pruned = prune(operation);
  if (pruned === null) fail(EXTRACT_CODES.noOperation, 'the selected graphql operation selects no field');
  const used = fragments.size === 0 ? [] : usedFragments(pruned, fragments, prune);
  const definitions = [pruned, ...used];
  checkShape(definitions, used, limits);
  const declared = pruned.variableDefinitions ?? [];
  // A variable no kept selection uses would fail validation upstream (NoUnusedVariables).
  const referenced = conditional && declared.length > 0 ? referencedVariables(definitions) : null;
  const kept = referenced === null ? { ...pruned, variableDefinitions: declared } : { ...pruned, variableDefinitions: declared.filter((d) => referenced.has(d.variable.name.value)) };
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [kept, ...used] };
  const printed = print(document);
  const head = `{"query":${JSON.stringify(printed)}${operation.name === undefined ? '' : `,"operationName":${JSON.stringify(operation.name.value)}`}`;
  return { kept, document, printed, head };
}

// Written forms of operations without `@skip`/`@include`, by operation node: a document from the
// document cache brings the same nodes back with every request that resends it. Kept with the
// limits they were checked against; a failure is never kept (the next request fails again).
const unconditionals = new WeakMap<OperationDefinitionNode, { maxDepth: number; maxAliases: number; written: Written }>();

function unconditional(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, limits: ForwardLimits): Written {
  const known = unconditionals.get(operation);
  if (known !== undefined && known.maxDepth === limits.maxDepth && known.maxAliases === limits.maxAliases) return known.written;
  const out = written(operation, fragments, limits, (node) => node, false);
  unconditionals.set(operation, { maxDepth: limits.maxDepth, maxAliases: limits.maxAliases, written: out });
  return out;
}

/** The fragments the pruned operation spreads, transitively, pruned themselves, in first-use order. */
function usedFragments(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  prune: <T extends ASTNode>(node: T) => T | null,
): FragmentDefinitionNode[] {
  const out = new Map<string, FragmentDefinitionNode>();
  const queue: ASTNode[] = [operation];
  while (queue.length > 0) {
    const node = queue.shift()!;
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (out.has(name)) return;
        const fragment = fragments.get(name);
        if (fragment === undefined) fail(EXTRACT_CODES.unknownFragment, `graphql fragment \`${name}\` is not defined`);
        const pruned = prune(fragment);
        if (pruned === null) return;
        out.set(name, pruned);
        queue.push(pruned);
      },
    });
  }
  return [...out.values()];
}

/** The bounds on what is forwarded: selection depth through fragments, and aliases. */
function checkShape(definitions: readonly ASTNode[], fragments: readonly FragmentDefinitionNode[], limits: ForwardLimits): void {
  let aliases = 0;
  const byName = new Map(fragments.map((f) => [f.name.value, f]));
  // Each selection is counted as often as it is expanded: a fragment spread twice counts twice.
  const walk = (set: SelectionSetNode, depth: number, visiting: Set<string>): void => {
    if (depth > limits.maxDepth) fail(EXTRACT_CODES.limitExceeded, `the graphql selection is nested more than ${limits.maxDepth} levels deep`);
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias !== undefined && ++aliases > limits.maxAliases) fail(EXTRACT_CODES.limitExceeded, `the graphql document has more than ${limits.maxAliases} aliases`);
        if (selection.selectionSet) walk(selection.selectionSet, depth + 1, visiting);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, visiting);
      } else {
        const name = selection.name.value;
        const fragment = byName.get(name);
        // A cycle is refused upstream (NoFragmentCycles); it is not followed twice here.
        if (fragment === undefined || visiting.has(name)) continue;
        visiting.add(name);
        walk(fragment.selectionSet, depth, visiting);
        visiting.delete(name);
      }
    }
  };
  const [operation] = definitions;
  if (operation !== undefined && operation.kind === Kind.OPERATION_DEFINITION) walk(operation.selectionSet, 1, new Set());
}

/** Variable names used anywhere in the definitions (outside variable definitions). */
function referencedVariables(definitions: readonly ASTNode[]): Set<string> {
  const out = new Set<string>();
  for (const definition of definitions) {
    visit(definition, {
      VariableDefinition: () => false,
      Variable(variable) {
        out.add(variable.name.value);
      },
    });
  }
  return out;
}
