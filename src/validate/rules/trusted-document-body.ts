import { Kind, parse } from 'graphql';
import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { escape } from '../../core/untrusted.js';
import { oneLine } from '../../core/one-line.js';
import type { ValidationRule } from '../context.js';
import { manifestSites } from '../manifests.js';

/**
 * A body is an executable document with exactly one operation (a persisted operation, GraphQL
 * over HTTP Appendix A) of the manifest's `type`: what a stored id expands to must be decidable.
 */
export const trustedDocumentBody: ValidationRule = {
  name: 'trusted-document-body',
  codes: [VALIDATION_CODES.trustedDocumentBody],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const site of manifestSites(set)) {
      if (site.reading === null || !('operations' in site.reading)) continue;
      site.reading.operations.forEach((op, i) => {
        const problem = bodyProblem(op.body, op.type);
        if (problem === null) return;
        out.push(
          diagnostic(
            VALIDATION_CODES.trustedDocumentBody,
            `trusted document \`operations[${i}]\` (\`${escape(op.name)}\`) of \`${site.file}\` ${problem}`,
            site.locate(['operations', i, 'body']),
            'regenerate the manifest from the client\'s operations',
          ),
        );
      });
    }
    return out;
  },
};

function bodyProblem(body: string, type: string): string | null {
  let document;
  try {
    document = parse(body, { noLocation: true });
  } catch (e) {
    return `does not parse: ${escape(oneLine(e instanceof Error ? e.message : String(e)).slice(0, 160))}`;
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (document.definitions.some((d) => d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION)) return 'contains a type system definition';
  if (operations.length !== 1) return `has ${operations.length} operations; a persisted operation has exactly one`;
  const [operation] = operations;
  if (operation !== undefined && operation.operation !== type) return `is a ${operation.operation}, but the manifest says \`${type}\``;
  return null;
}
