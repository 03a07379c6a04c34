import { VALIDATION_CODES } from '../../diagnostics/codes.js';
import { diagnostic } from '../../diagnostics/create.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { ValidationRule } from '../context.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Keys fetched in the clear could be swapped on the way: a JWKS URL is https, or http on loopback only. */
export const identityIssuerJwksUrl: ValidationRule = {
  name: 'identity-issuer-jwks-url',
  codes: [VALIDATION_CODES.issuerJwksUrl],
  check({ set }) {
    const out: Diagnostic[] = [];
    for (const doc of set.identityIssuers ?? []) {
      const raw = doc.value.spec.jwksUrl;
      if (raw === undefined) continue;
      let url: URL | null = null;
      try {
        url = new URL(raw);
      } catch {
        url = null;
      }
      const ok = url !== null && url.username === '' && url.password === '' && (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)));
      if (!ok) {
        out.push(
          diagnostic(
            VALIDATION_CODES.issuerJwksUrl,
            `identity issuer \`${doc.name}\` has \`jwksUrl\` \`${raw}\`, which is not an https url (http only on loopback)`,
            doc.locate(['spec', 'jwksUrl'], 'value'),
            'publish the JWKS over https, without credentials in the url',
          ),
        );
      }
    }
    return out;
  },
};
