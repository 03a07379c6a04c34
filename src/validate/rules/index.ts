import type { ValidationRule } from '../context.js';
import { apiOptionProtocol } from './api-option-protocol.js';
import { attemptRange } from './attempt-range.js';
import { classSelector } from './class-selector.js';
import { duplicateFingerprint } from './duplicate-fingerprint.js';
import { duplicateInventoryId } from './duplicate-inventory-id.js';
import { duplicateName } from './duplicate-name.js';
import { duplicateRoute } from './duplicate-route.js';
import { duplicateRuleId } from './duplicate-rule-id.js';
import { duplicateTrustedDocument } from './duplicate-trusted-document.js';
import { fingerprintFormat } from './fingerprint-format.js';
import { identityIssuerJwksUrl } from './identity-issuer-jwks-url.js';
import { identityIssuerKeys } from './identity-issuer-keys.js';
import { identityIssuerLifetime } from './identity-issuer-lifetime.js';
import { invalidRouteTemplate } from './invalid-route-template.js';
import { invalidTimestamp } from './invalid-timestamp.js';
import { misplacedFixture } from './misplaced-fixture.js';
import { overrideJustification } from './override-justification.js';
import { protectedEnvironments } from './protected-environments.js';
import { rawCredential } from './raw-credential.js';
import { resourceIdTemplate } from './resource-id-template.js';
import { sharedHost } from './shared-host.js';
import { singleOverrides } from './single-overrides.js';
import { tokenExpiry } from './token-expiry.js';
import { tokenFamily } from './token-family.js';
import { tokenRequiresExpiry } from './token-requires-expiry.js';
import { trustedDocumentBody } from './trusted-document-body.js';
import { trustedDocumentId } from './trusted-document-id.js';
import { trustedDocumentsFormat } from './trusted-documents-format.js';
import { trustedDocumentsUnreadable } from './trusted-documents-unreadable.js';
import { undeclaredToken } from './undeclared-token.js';
import { unknownApi } from './unknown-api.js';
import { unknownArgument } from './unknown-argument.js';
import { unknownEnvironment } from './unknown-environment.js';
import { unknownOperation } from './unknown-operation.js';
import { unknownRouteArgument } from './unknown-route-argument.js';
import { unreachableRule } from './unreachable-rule.js';

/** Every cross-document rule, in code order. */
export const RULES: readonly ValidationRule[] = [
  unknownApi,
  duplicateName,
  duplicateRuleId,
  duplicateFingerprint,
  unknownOperation,
  classSelector,
  unknownEnvironment,
  protectedEnvironments,
  fingerprintFormat,
  tokenExpiry,
  tokenRequiresExpiry,
  undeclaredToken,
  singleOverrides,
  overrideJustification,
  rawCredential,
  unreachableRule,
  attemptRange,
  invalidTimestamp,
  misplacedFixture,
  duplicateRoute,
  unknownRouteArgument,
  sharedHost,
  invalidRouteTemplate,
  duplicateInventoryId,
  tokenFamily,
  resourceIdTemplate,
  unknownArgument,
  identityIssuerKeys,
  identityIssuerJwksUrl,
  identityIssuerLifetime,
  trustedDocumentsUnreadable,
  trustedDocumentsFormat,
  trustedDocumentId,
  duplicateTrustedDocument,
  trustedDocumentBody,
  apiOptionProtocol,
];
