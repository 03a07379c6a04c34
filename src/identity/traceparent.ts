import type { HeaderMap } from '../core/headers.js';

/*
 * W3C Trace Context, `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header):
 *
 *   version "-" trace-id "-" parent-id "-" trace-flags
 *   version = 2HEXDIGLC; trace-id = 32HEXDIGLC; parent-id = 16HEXDIGLC; trace-flags = 2HEXDIGLC
 */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(.*)$/s;

/**
 * A W3C `traceparent` validated as Trace Context says: lowercase hex, version `ff` invalid,
 * all-zero trace or parent ids invalid, version 00 exactly 55 characters; a higher version is
 * read at the fixed positions and its trailing fields dropped. Anything invalid is ignored (null).
 */
export function parseTraceparent(headers: HeaderMap): string | null {
  // The map's keys are lowercase (`headerValues` without its lowercasing and its empty list).
  const values = headers.get('traceparent');
  if (values === undefined || values.length !== 1) return null;
  const value = (values[0] ?? '').trim();
  const m = TRACEPARENT.exec(value);
  if (!m) return null;
  const [, version, traceId, parentId, flags, rest] = m as unknown as [string, string, string, string, string, string];
  if (version === 'ff') return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return null;
  if (version === '00') return rest === '' ? value : null;
  if (rest !== '' && !rest.startsWith('-')) return null;
  return `${version}-${traceId}-${parentId}-${flags}`;
}
