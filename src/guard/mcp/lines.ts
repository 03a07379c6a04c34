/**
 * Newline-delimited frames (MCP's stdio transport: "messages are delimited by newlines, and MUST
 * NOT contain embedded newlines"), split on `\n` with an optional `\r` before it. A line that is
 * not UTF-8, or longer than the limit, is handed on as `null`: its reader refuses it.
 */
export class LineSplitter {
  private chunks: Buffer[] = [];
  private size = 0;
  private overflow = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string | null) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      this.add(chunk.subarray(start, nl));
      this.flushLine();
      start = nl + 1;
    }
    if (start < chunk.length) this.add(chunk.subarray(start));
  }

  /** The stream ended: a last line without its newline is still a line. */
  end(): void {
    if (this.size > 0 || this.overflow) this.flushLine();
  }

  private add(part: Buffer): void {
    if (this.overflow) return;
    if (this.size + part.length > this.maxLineBytes) {
      this.overflow = true;
      this.chunks = [];
      this.size = 0;
      return;
    }
    this.chunks.push(part);
    this.size += part.length;
  }

  private flushLine(): void {
    const overflow = this.overflow;
    const bytes = Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    this.overflow = false;
    if (overflow) return this.onLine(null);
    const trimmed = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;
    if (trimmed.length === 0) return;
    let text: string;
    try {
      text = this.decoder.decode(trimmed);
    } catch {
      return this.onLine(null);
    }
    this.onLine(text);
  }
}
