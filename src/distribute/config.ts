import { printable } from '../bundle/index.js';
import { DISTRIBUTE_CODES, DistributeError } from './codes.js';
import { DEFAULT_MAX_DELAY_SECONDS, DEFAULT_MIN_DELAY_SECONDS, type PollingConfig } from './source.js';

/**
 * Up-front checks of source options (OPA's `validateAndInjectDefaults`): every problem names the
 * field, so a typo in an enforcer's configuration fails at start, not at the first poll.
 */
export function configError(field: string, problem: string, help?: string): DistributeError {
  return new DistributeError(DISTRIBUTE_CODES.invalidConfig, `\`${field}\` ${problem}`, help === undefined ? {} : { help });
}

export function optionalNumber(field: string, value: unknown, range: { min: number; max?: number; integer?: boolean }): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw configError(field, `must be a number, not ${describe(value)}`);
  if (range.integer === true && !Number.isInteger(value)) throw configError(field, `must be a whole number, not ${value}`);
  if (value < range.min) throw configError(field, `must be at least ${range.min}, not ${value}`);
  if (range.max !== undefined && value > range.max) throw configError(field, `must be at most ${range.max}, not ${value}`);
  return value;
}

export function optionalString(field: string, value: unknown, options: { nonEmpty?: boolean } = {}): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw configError(field, `must be a string, not ${describe(value)}`);
  if (options.nonEmpty === true && value === '') throw configError(field, 'must not be empty');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw configError(field, 'must not contain control characters');
  return value;
}

export function requiredString(field: string, value: unknown): string {
  if (value === undefined) throw configError(field, 'is required');
  return optionalString(field, value, { nonEmpty: true })!;
}

export function optionalBoolean(field: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw configError(field, `must be true or false, not ${describe(value)}`);
  return value;
}

/** Rejects keys the option object does not know: a misspelt `maxDelaySecond` must not silently fall back to a default. */
export function knownKeys(field: string, value: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw configError(field, `must be an object, not ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw configError(`${field}.${key}`, 'is not a known option', `known options: ${keys.map((k) => `\`${k}\``).join(', ')}`);
  }
  return value as Record<string, unknown>;
}

/** An object of string values (headers, annotations), each value checked like any string option. */
export function stringMap(field: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw configError(field, `must be an object, not ${describe(value)}`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw configError(`${field}.${key}`, `must be a string, not ${describe(v)}`);
    out[key] = optionalString(`${field}.${key}`, v)!;
  }
  return out;
}

export interface ValidPolling {
  minDelaySeconds: number;
  maxDelaySeconds: number;
  longPollingTimeoutSeconds: number | undefined;
}

/** OPA's polling rules: min ≤ max, both positive; a long-polling time-out of at least one second. */
export function validatePolling(field: string, value: PollingConfig | undefined): ValidPolling {
  const p = value === undefined ? {} : knownKeys(field, value, ['minDelaySeconds', 'maxDelaySeconds', 'longPollingTimeoutSeconds']);
  const min = optionalNumber(`${field}.minDelaySeconds`, p['minDelaySeconds'], { min: 0.001 });
  const max = optionalNumber(`${field}.maxDelaySeconds`, p['maxDelaySeconds'], { min: 0.001 });
  const minDelaySeconds = min ?? (max !== undefined && max < DEFAULT_MIN_DELAY_SECONDS ? max : DEFAULT_MIN_DELAY_SECONDS);
  const maxDelaySeconds = max ?? Math.max(minDelaySeconds, DEFAULT_MAX_DELAY_SECONDS);
  if (minDelaySeconds > maxDelaySeconds) {
    throw configError(`${field}.minDelaySeconds`, `(${minDelaySeconds}) must not exceed \`${field}.maxDelaySeconds\` (${maxDelaySeconds})`);
  }
  const longPollingTimeoutSeconds = optionalNumber(`${field}.longPollingTimeoutSeconds`, p['longPollingTimeoutSeconds'], { min: 1, integer: true });
  return { minDelaySeconds, maxDelaySeconds, longPollingTimeoutSeconds };
}

export interface Credentials {
  /** `Authorization: <scheme> <token>`; scheme defaults to `Bearer` (OPA's `credentials.bearer`). */
  bearer?: { token: string; scheme?: string };
  basic?: { username: string; password: string };
}

export function validateCredentials(field: string, value: Credentials | undefined): Credentials | undefined {
  if (value === undefined) return undefined;
  const c = knownKeys(field, value, ['bearer', 'basic']);
  if (c['bearer'] !== undefined && c['basic'] !== undefined) throw configError(field, 'sets both `bearer` and `basic`; choose one');
  if (c['bearer'] !== undefined) {
    const b = knownKeys(`${field}.bearer`, c['bearer'], ['token', 'scheme']);
    const token = requiredString(`${field}.bearer.token`, b['token']);
    const scheme = optionalString(`${field}.bearer.scheme`, b['scheme'], { nonEmpty: true });
    if (scheme !== undefined && !/^[A-Za-z][A-Za-z0-9._~+-]*$/.test(scheme)) throw configError(`${field}.bearer.scheme`, 'must be a single http auth scheme name');
    return { bearer: scheme === undefined ? { token } : { token, scheme } };
  }
  if (c['basic'] !== undefined) {
    const b = knownKeys(`${field}.basic`, c['basic'], ['username', 'password']);
    const username = requiredString(`${field}.basic.username`, b['username']);
    if (username.includes(':')) throw configError(`${field}.basic.username`, 'must not contain `:` (http basic auth cannot carry it)');
    const password = optionalString(`${field}.basic.password`, b['password']) ?? '';
    return { basic: { username, password } };
  }
  return undefined;
}

export function authorizationValue(credentials: Credentials): string {
  if (credentials.bearer !== undefined) return `${credentials.bearer.scheme ?? 'Bearer'} ${credentials.bearer.token}`;
  const basic = credentials.basic!;
  return `Basic ${Buffer.from(`${basic.username}:${basic.password}`, 'utf8').toString('base64')}`;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Plain http is for loopback only (tests, a sidecar): elsewhere a bundle and its credentials would cross the network readable. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

export function requireSecureUrl(field: string, url: URL): void {
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new DistributeError(DISTRIBUTE_CODES.insecureTransport, `\`${field}\` uses plain http to \`${printable(url.host)}\`, which is not loopback`, {
      help: 'use https (a custom ca can be configured); plain http is allowed only to 127.0.0.1, ::1 or localhost',
    });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `\`${printable(value)}\``;
  return typeof value === 'object' ? 'an object' : `${typeof value} \`${String(value)}\``;
}
