import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import { authSchemeCredentials, looksLikeCredential, maskSecret } from '../../core/credentials.js';
import type { CredentialMatch } from '../../core/credentials.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { JsonPath } from '../../load/types.js';
import { displayPath } from '../../load/schema.js';
import { allDocuments } from '../context.js';
import type { ValidationRule } from '../context.js';

const FORM = /^[A-Za-z0-9._~%+[\]-]+=[^&=\s]*(?:&[A-Za-z0-9._~%+[\]-]+=[^&=\s]*)+$/;

/**
 * A credential found inside a longer string (`Bearer ghp_…`), and the piece that matched. Any
 * token-like value after an authorization scheme counts (`Bearer 9b2f6c1e-4d7a-…`), even one that
 * alone would not look like a credential (a UUID), and the piece is then the value alone.
 */
export function findCredential(value: string): { match: CredentialMatch; piece: string } | undefined {
  // A form body or query string (`Action=DeleteDBInstance&Version=2014-10-31&…`, the AWS Query
  // protocol) is many short fields: its punctuation makes the whole look random, so each name and
  // value is checked on its own instead.
  if (FORM.test(value)) {
    for (const [name, field] of new URLSearchParams(value)) {
      const found = findCredential(name) ?? findCredential(field);
      if (found) return found;
    }
    return undefined;
  }
  for (const piece of value.split(/[\s"'`=,;()<>]+/)) {
    const match = looksLikeCredential(piece);
    if (match) return { match, piece };
  }
  const scheme = authSchemeCredentials(value)[0];
  if (scheme) return { match: { what: 'a credential after an authorization scheme' }, piece: scheme.value };
  const whole = looksLikeCredential(value);
  if (whole) return { match: whole, piece: value };
  return undefined;
}

/**
 * Policies live in Git and are read by many: a committed credential is leaked. Every string of
 * every document is checked, keys included; only replay `tokens[].value` is exempt, because the
 * schema already forces those to be `fake-` values.
 */
export const rawCredential: ValidationRule = {
  name: 'raw-credential',
  codes: [VALIDATION_CODES.rawCredential],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const doc of allDocuments(set)) {
      const exempt = (path: JsonPath): boolean =>
        (path.length === 2 && path[0] === 'metadata' && path[1] === 'name') ||
        (doc.kind === 'Replay' && path.length === 4 && path[0] === 'spec' && path[1] === 'tokens' && path[3] === 'value') ||
        // Public keys look random by design; private ones are reported (here and as BG821).
        (doc.kind === 'IdentityIssuer' && path[0] === 'spec' && path[1] === 'keys' && (path[3] === 'pem' || (path[3] === 'jwk' && path[4] !== 'd')) && !privateKeyText(doc.value, path)) ||
        // A replayed identity envelope (`Txn-Token` header, MCP `_meta`) is signed with a throwaway key and long expired.
        (doc.kind === 'Replay' && path.some((p) => typeof p === 'string' && p.toLowerCase() === 'txn-token'));
      const report = (path: JsonPath, part: 'key' | 'value', found: { match: CredentialMatch; piece: string }): void => {
        out.push(
          diagnostic(
            VALIDATION_CODES.rawCredential,
            `\`${displayPath(path) || 'document'}\` ${part === 'key' ? 'has a key that looks' : 'looks'} like a credential (${found.match.what}: \`${maskSecret(found.piece)}\`)`,
            doc.locate(path, part),
            'never commit credentials: declare its sha256 fingerprint in a Token instead (`printf %s "$TOKEN" | sha256sum`), and revoke this one, since it is now in your history',
          ),
        );
      };
      // Iterative walk: documents may be deeply nested (replay request bodies are free-form).
      const stack: { value: unknown; path: JsonPath }[] = [{ value: doc.value, path: [] }];
      while (stack.length > 0) {
        const { value, path } = stack.pop() as { value: unknown; path: JsonPath };
        if (typeof value === 'string') {
          if (exempt(path)) continue;
          const found = findCredential(value);
          if (found) report(path, 'value', found);
        } else if (Array.isArray(value)) {
          for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i] as unknown, path: [...path, i] });
        } else if (typeof value === 'object' && value !== null) {
          const entries = Object.entries(value as Record<string, unknown>);
          for (let i = entries.length - 1; i >= 0; i--) {
            const [key, child] = entries[i] as [string, unknown];
            const found = findCredential(key);
            if (found) report([...path, key], 'key', found);
            stack.push({ value: child, path: [...path, key] });
          }
        }
      }
    }
    return out;
  },
};

function privateKeyText(document: unknown, path: JsonPath): boolean {
  let value: unknown = document;
  for (const p of path) value = typeof value === 'object' && value !== null ? (value as Record<string | number, unknown>)[p] : undefined;
  return typeof value === 'string' && value.includes('PRIVATE KEY');
}
