/** A library's message (graphql-js, yaml) as blastguard words its own: the first line, lowercase initial. */
export function oneLine(message: string): string {
  const first = message.split('\n')[0]?.trim() ?? '';
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/** Text written over several lines (a schema description) as one line. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
