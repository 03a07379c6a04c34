import { projectArguments } from '../core/arguments.js';
import { withMessageIdentity } from '../identity/index.js';
import type { Identity } from '../identity/index.js';
import type { IrApi } from '../ir/types.js';
import { ExtractFailure } from './failure.js';
import type { FoundOperation } from './protocols/index.js';
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
  const op = api.operations.find((o) => o.name === found.name);
  let resource;
  try {
    resource = resourceOf(api, op, found.args, inventory);
  } catch (e) {
    if (!(e instanceof ExtractFailure)) throw e;
    return failed(context, new ExtractFailure(e.code, `\`${found.name}\`: ${e.message}`));
  }
  const identity = found.meta && context.identity ? withMessageIdentity(context.identity, found.meta, api.identity) : context.identity;
  // Only the paths the policy reads: arguments may carry secrets or SQL, and inputs are logged.
  const args = api.argumentPaths ? projectArguments(found.args, api.argumentPaths) : null;
  const input: ExtractedInput = {
    api: context.api,
    operation: { name: found.name, type: found.type },
    ...(resource ? { resource } : {}),
    ...(context.token ? { token: context.token } : {}),
    ...(identity ? { identity } : {}),
    ...(args ? { arguments: args } : {}),
    ...(context.attempt !== undefined ? { attempt: context.attempt } : {}),
    time: context.time,
  };
  const result: ExtractedOperation = { input, operation: found.name };
  if (found.alias !== undefined) result.alias = found.alias;
  return result;
}
