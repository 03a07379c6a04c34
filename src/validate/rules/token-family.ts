import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';

/**
 * A Token is one credential (`fingerprint`) or a family of short-lived ones (`family.prefix`).
 * Without either it can never be recognised. A family is noted wherever it is declared: any
 * credential with the prefix gets its grants — another installation's token of the same kind as
 * much as yours — so its grants should be what every credential of the kind may do.
 */
export const tokenFamily: ValidationRule = {
  name: 'token-family',
  codes: [VALIDATION_CODES.tokenFamily, VALIDATION_CODES.tokenWithoutIdentity],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const doc of set.tokens) {
      const { fingerprint, family } = doc.value.spec;
      if (fingerprint === undefined && family === undefined) {
        out.push(
          diagnostic(
            VALIDATION_CODES.tokenWithoutIdentity,
            `token \`${doc.name}\` declares neither \`fingerprint\` nor \`family\`, so no credential is ever recognised as it`,
            doc.locate(['spec']),
            'add `fingerprint: sha256:…` for one credential (`printf %s "$TOKEN" | sha256sum`), or `family: { prefix: … }` for a kind of short-lived credential',
          ),
        );
      }
      if (family !== undefined) {
        out.push(
          diagnostic(
            VALIDATION_CODES.tokenFamily,
            `token \`${doc.name}\` is a family: every credential starting with \`${family.prefix}\` that no Token declares by fingerprint gets its grants`,
            doc.locate(['spec', 'family', 'prefix']),
            'a family identifies a kind of credential, not one: grant only what any credential of that kind may do, and declare long-lived credentials by fingerprint',
          ),
        );
      }
    }
    return out;
  },
};
