import { projectArguments } from '../core/arguments.js';
import { withMessageIdentity } from '../identity/index.js';
import type { Identity } from '../identity/index.js';
import type { IrApi } from '../ir/types.js';
import { ENVELOPE_CODES } from '../identity/index.js';
import type { VerifiedChain } from '../identity/index.js';
import { chainIdentity, checkEnvelopeScope } from './envelope.js';
import type { EnvelopeVerifier } from './envelope.js';
import { ExtractFailure, fail } from './failure.js';
import type { FoundOperation } from './protocols/index.js';
import { operationsOf } from './operation-index.js';
import { resourceOf } from './resource.js';
import type { InventoryLookups } from './resource.js';
import type { ExtractedInput, ExtractedOperation } from './types.js';

/** What every input of one request shares: who calls, which attempt, when. Filled in as extraction learns it. */
export interface Context {
  api: string;
  time: string;
  token?: { fingerprint: string };
  identity?: Identity;
  attempt?: number;
  /** The request's verified identity envelope (`Txn-Token`), when it carries one. */
  envelope?: { text: string; chain: VerifiedChain };
  /** Verifies an envelope a message carries itself (MCP `_meta`), against the same issuers and time. */
  verifyEnvelope?: EnvelopeVerifier;
}

/** The one input an unreadable request (or message) yields: no `operation`, so every policy denies it. */
export function failed(context: Context, failure: ExtractFailure): ExtractedOperation {
  const { code, message } = failure;
  const input: ExtractedInput = {
    api: context.api,
    ...(context.token ? { token: context.token } : {}),
    ...(context.identity ? { identity: context.identity } : {}),
    ...(context.attempt !== undefined ? { attempt: context.attempt } : {}),
    time: context.time,
    error: message,
  };
  return { input, operation: null, error: { code, message } };
}

/** The decision input for one operation found in the request. */
export function toInput(api: IrApi, found: FoundOperation, context: Context, inventory: InventoryLookups): ExtractedOperation {
  const op = operationsOf(api).get(found.name);
  let resource;
  try {
    resource = resourceOf(api, op, found.args, inventory);
  } catch (e) {
    if (!(e instanceof ExtractFailure)) throw e;
    return failed(context, new ExtractFailure(e.code, `\`${found.name}\`: ${e.message}`));
  }
  let identity: Identity | undefined;
  try {
    identity = callIdentity(found, context, api, resource);
  } catch (e) {
    if (!(e instanceof ExtractFailure)) throw e;
    return failed(context, new ExtractFailure(e.code, `\`${found.name}\`: ${e.message}`));
  }
  // Only the paths the policy reads: arguments may carry secrets or SQL, and inputs are logged.
  const args = api.argumentPaths ? projectArguments(found.args, api.argumentPaths) : null;
  // Members in this order (logs and hashes see it), each only when present: set one by one rather
  // than spread from objects built for it.
  const input = { api: context.api, operation: { name: found.name, type: found.type } } as ExtractedInput;
  if (resource) input.resource = resource;
  if (context.token) input.token = context.token;
  if (identity) input.identity = identity;
  if (args) input.arguments = args;
  if (context.attempt !== undefined) input.attempt = context.attempt;
  input.time = context.time;
  const result: ExtractedOperation = { input, operation: found.name };
  if (found.alias !== undefined) result.alias = found.alias;
  return result;
}

/**
 * The identity of one operation: the request's verified envelope, or one the message carries
 * (which must then be the same text, or stand alone); else the baggage hint, completed from the
 * message's trace context. A verified chain must allow the operation, environment and resource.
 */
function callIdentity(found: FoundOperation, context: Context, api: IrApi, resource: ExtractedInput['resource']): Identity | undefined {
  const own = found.meta?.envelope;
  let envelope = context.envelope;
  if (own !== undefined && envelope !== undefined && own !== envelope.text) {
    fail(ENVELOPE_CODES.conflicting, 'the message `_meta` carries another identity envelope than the request\'s `Txn-Token`');
  }
  if (own !== undefined && envelope === undefined && context.verifyEnvelope) envelope = { text: own, chain: context.verifyEnvelope(own) };
  if (envelope !== undefined) {
    checkEnvelopeScope(envelope.chain, { api: { name: api.name, hosts: api.hosts }, operation: found.name, environment: resource?.environment ?? null, resource: resource?.id ?? null });
    return chainIdentity(envelope.chain);
  }
  return found.meta && context.identity ? withMessageIdentity(context.identity, found.meta, api.identity) : context.identity;
}
