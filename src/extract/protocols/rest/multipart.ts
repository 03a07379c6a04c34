import { headerValues } from '../../../core/headers.js';
import type { HeaderMap } from '../../../core/headers.js';
import type { Parameter } from './params.js';

/*
 * multipart/form-data (RFC 7578) in the multipart framing of RFC 2046 §5.1.1:
 *
 *   multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF body-part
 *                     *encapsulation close-delimiter transport-padding [CRLF epilogue]
 *   encapsulation  := delimiter transport-padding CRLF body-part
 *   delimiter      := CRLF dash-boundary          ; dash-boundary := "--" boundary
 *
 * each part named by `Content-Disposition: form-data; name="field"`.
 */

/**
 * The fields of a `multipart/form-data` body, or null when any part cannot be read
 * unambiguously: no boundary, a part without exactly one plain `name`, an unterminated body, a
 * delimiter not at a line start, parts after the close delimiter. A file
 * part's value is its content, marked as a file so it never equals a plain field.
 */
export function multipartFields(headers: HeaderMap, text: string): Parameter[] | null {
  const [raw] = headerValues(headers, 'content-type');
  const boundary = raw === undefined ? null : /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(raw);
  const delimiter = boundary?.[1] ?? boundary?.[2];
  if (delimiter === undefined) return null;
  // A delimiter counts only at the start of the body or after CRLF, followed by `--` or the end of
  // its line (RFC 2046). `--boundary` anywhere else (inside a value, after a bare LF, as the prefix
  // of a longer line) is read as a delimiter by some parsers and as data by others.
  const marker = `--${delimiter}`;
  const starts: number[] = [];
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + marker.length)) {
    if (at !== 0 && text.slice(at - 2, at) !== '\r\n') return null;
    if (!/^(?:--)?[ \t]*(?:\r\n|$)/.test(text.slice(at + marker.length, at + marker.length + 200))) return null;
    starts.push(at);
  }
  const chunks = starts.map((at, i) => text.slice(at + marker.length, starts[i + 1] ?? text.length));
  if (chunks.length < 2) return null;
  const pairs: Parameter[] = [];
  let closed = false;
  for (const [i, chunk] of chunks.entries()) {
    if (chunk.startsWith('--')) {
      // Parts after the close delimiter are data to some parsers and fields to others.
      if (i !== chunks.length - 1) return null;
      closed = true;
      break;
    }
    const part = chunk.replace(/^[ \t]*\r\n/, '');
    const split = /\r?\n\r?\n/.exec(part);
    if (!split) return null;
    const head = part.slice(0, split.index).split(/\r?\n/);
    const content = part.slice(split.index + split[0].length).replace(/\r?\n$/, '');
    const dispositions = head.filter((line) => /^content-disposition\s*:/i.test(line));
    if (dispositions.length !== 1) return null;
    const disposition = dispositions[0] ?? '';
    if (/[;\s]name\*\s*=/i.test(disposition)) return null;
    const names = [...disposition.matchAll(/;\s*name\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s"]+))/gi)];
    if (names.length !== 1) return null;
    const name = names[0]?.[1] ?? names[0]?.[2];
    if (name === undefined || name === '' || name.includes('\\')) return null;
    const file = /;\s*filename\*?\s*=/i.test(disposition);
    pairs.push({ name, value: file ? { file: content } : content });
  }
  return closed ? pairs : null;
}
