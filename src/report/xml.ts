const XML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// Attribute-value normalisation turns literal tab, newline and return into spaces; references survive.
const XML_ATTRIBUTE_WHITESPACE: Readonly<Record<string, string>> = { '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * Text safe in an XML 1.0 element (or, with `attribute`, an attribute value). Characters outside
 * the Char production (C0 controls but tab, newline and return; U+FFFE, U+FFFF; lone surrogates)
 * cannot appear even as character references, so they are written as visible `\u{…}` escapes.
 */
export function xml(text: string, attribute = true): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out += text.slice(i, i + 2);
        i++;
        continue;
      }
    }
    const ch = text.charAt(i);
    const replaced = XML_ENTITIES[ch] ?? (attribute ? XML_ATTRIBUTE_WHITESPACE[ch] : undefined);
    if (replaced !== undefined) out += replaced;
    else if (ch === '\t' || ch === '\n' || ch === '\r' || (unit >= 0x20 && unit <= 0xd7ff) || (unit >= 0xe000 && unit <= 0xfffd)) out += ch;
    else out += `\\u{${unit.toString(16).padStart(4, '0')}}`;
  }
  return out;
}

