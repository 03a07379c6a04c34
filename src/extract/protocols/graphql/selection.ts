import { Kind } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, OperationDefinitionNode } from 'graphql';
import { EXTRACT_CODES } from '../../codes.js';
import { fail } from '../../failure.js';
import { labelled } from '../../../core/untrusted.js';

/*
 * Which operation of a document a request runs, and the fragments it may spread, depend on the
 * document and `operationName` alone. A document from the document cache (document-cache.ts)
 * comes back with every request that resends it, so what was found for it is kept with it, by
 * operation name: only a selection that succeeded (a failure is found again, the same way), so a
 * document keeps at most one entry per operation it defines, and one for no name.
 */

/** The operation a request selects, and the document's fragments by name. */
export interface Selection {
  operation: OperationDefinitionNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

const selections = new WeakMap<DocumentNode, Map<string | null, Selection>>();

/** The selection for `name` (null: the only operation), failing as a server without validation would disagree. */
export function selectionOf(document: DocumentNode, name: string | null): Selection {
  let byName = selections.get(document);
  const known = byName?.get(name);
  if (known !== undefined) return known;
  const operations: OperationDefinitionNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
    else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      // Servers without validation keep either copy (a Map keeps the last, a list search the first).
      if (fragments.has(definition.name.value)) fail(EXTRACT_CODES.graphqlSyntax, 'the graphql document defines a fragment name twice: servers differ on which one they use');
      fragments.set(definition.name.value, definition);
    } else fail(EXTRACT_CODES.graphqlSyntax, 'the graphql document contains a type system definition, which cannot be executed');
  }
  const selection: Selection = { operation: selectOperation(operations, name), fragments };
  if (byName === undefined) selections.set(document, (byName = new Map()));
  byName.set(name, selection);
  return selection;
}

export function selectOperation(operations: OperationDefinitionNode[], name: string | null): OperationDefinitionNode {
  // Servers that skip validation disagree on which of two same-named operations runs (graphql-js
  // `execute` runs the last, a first-match lookup the first), so a repeated name is never decided.
  const names = new Set<string>();
  for (const operation of operations) {
    const own = operation.name?.value;
    if (own === undefined) continue;
    if (names.has(own)) fail(EXTRACT_CODES.operationNotFound, `the graphql document defines ${labelled('operation', own, 'name', 'an operation name')} more than once`);
    names.add(own);
  }
  // An anonymous operation must be alone (LoneAnonymousOperation): which one a server without
  // validation runs for an `operationName`, or for none, is its own rule.
  if (operations.length > 1 && operations.some((o) => o.name === undefined)) {
    fail(EXTRACT_CODES.operationNotFound, 'the graphql document has an anonymous operation next to other operations');
  }
  if (name !== null) {
    const found = operations.find((o) => o.name?.value === name);
    if (!found) fail(EXTRACT_CODES.operationNotFound, `${labelled('graphql operation', name, 'name', 'the graphql operation `operationName` names')} is not in the document`);
    return found;
  }
  const [only] = operations;
  if (only === undefined) fail(EXTRACT_CODES.noOperation, 'the graphql document contains no operation');
  if (operations.length > 1) {
    fail(EXTRACT_CODES.operationNotFound, 'the graphql document has several operations and the request names none in `operationName`');
  }
  return only;
}
