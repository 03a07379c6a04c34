import { MAX_ATTEMPT } from '../core/attempt.js';
import { headerValues } from '../core/headers.js';
import type { HeaderMap } from '../core/headers.js';

export type AttemptResult = { attempt: number | null } | { malformed: string };

/** The retry attempt: a decimal integer from 1 to 1,000,000,000, sent once (or repeated identically). */
export function parseAttempt(headers: HeaderMap, header: string | null): AttemptResult {
  if (header === null) return { attempt: null };
  const values = [...new Set(headerValues(headers, header).map((v) => v.trim()))];
  if (values.length === 0) return { attempt: null };
  const [value] = values;
  if (values.length > 1 || value === undefined || !/^[1-9][0-9]{0,9}$/.test(value) || Number(value) > MAX_ATTEMPT) {
    return { malformed: values.join(', ') };
  }
  return { attempt: Number(value) };
}
