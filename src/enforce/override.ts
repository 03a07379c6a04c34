import { ENFORCE_CODES, EnforceError } from './codes.js';

/**
 * A local override set by the operator of one enforcer. It can only tighten: `lockdown` (every
 * destructive call denied, exactly as a signed bundle's lockdown) is the only mode. `shadow-all`
 * softens policy, so it comes only from a signed bundle: an agent that can set an environment
 * variable must not be able to turn denies into shadows.
 */
export interface LocalOverride {
  mode: 'lockdown';
  /** Why, for the decision's reasons and the status (required). */
  reason: string;
}

export function validateOverride(value: unknown): LocalOverride | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new EnforceError(ENFORCE_CODES.invalidConfig, '`override` must be an object `{ mode: "lockdown", reason }`');
  const { mode, reason } = value as Record<string, unknown>;
  if (mode !== 'lockdown') {
    throw new EnforceError(ENFORCE_CODES.invalidConfig, `\`override.mode\` must be \`lockdown\`, not \`${String(mode)}\``, {
      help: 'a local override can only make decisions stricter; `shadow-all` comes only from a signed bundle',
    });
  }
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new EnforceError(ENFORCE_CODES.invalidConfig, '`override.reason` is required: say why the enforcer is locked down', { help: 'the reason goes into every decision it denies and into the status' });
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(reason)) throw new EnforceError(ENFORCE_CODES.invalidConfig, '`override.reason` must not contain control characters');
  return { mode: 'lockdown', reason };
}

/**
 * The bundle data with the panic flag set to `lockdown` (no expiry). The policy then decides with
 * its own lockdown semantics, which never soften a decision: lockdown adds deny findings and
 * replaces a bundle's `shadow-all`, so the result is at least as strict as without the override.
 */
export function withLockdown(data: unknown, override: LocalOverride): unknown {
  const root = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const blastguard = typeof root['blastguard'] === 'object' && root['blastguard'] !== null ? (root['blastguard'] as Record<string, unknown>) : {};
  return { ...root, blastguard: { ...blastguard, overrides: { enforcement: 'lockdown', reason: `local override: ${override.reason}`, expires: null } } };
}
