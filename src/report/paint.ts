/** ANSI SGR painting for the human renderers; plain text without colour. */
export type Paint = (code: string, text: string) => string;

export function painter(color: boolean | undefined): Paint {
  return (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
}

