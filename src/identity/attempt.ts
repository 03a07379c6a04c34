import { MAX_ATTEMPT } from '../core/attempt.js';
import { headerValues } from '../core/headers.js';
import type { HeaderMap } from '../core/headers.js';

export type AttemptResult = { attempt: number | null } | { malformed: string };

/** The retry attempt: a decimal integer from 1 to 1,000,000,000, sent once (or repeated identically). */
export function parseAttempt(headers: HeaderMap, header: string | null): AttemptResult {
  if (header === null) return { attempt: null };
  // Most requests send it once or not at all: no set of distinct values to build for those.
  const given = headers.get(lowercase(header));
  if (given === undefined || given.length === 0) return { attempt: null };
  if (given.length === 1) return attemptOf(given[0]!.trim());
  const values = [...new Set(headerValues(headers, header).map((v) => v.trim()))];
  if (values.length > 1) return { malformed: values.join(', ') };
  return attemptOf(values[0]!);
}

function attemptOf(value: string): AttemptResult {
  if (!/^[1-9][0-9]{0,9}$/.test(value) || Number(value) > MAX_ATTEMPT) return { malformed: value };
  return { attempt: Number(value) };
}

/** The catalog names one attempt header per api: its lowercase form is kept rather than made per request. */
let lastName = '';
let lastLower = '';
function lowercase(name: string): string {
  if (name !== lastName) {
    lastLower = name.toLowerCase();
    lastName = name;
  }
  return lastLower;
}
