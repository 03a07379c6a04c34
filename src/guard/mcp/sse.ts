/**
 * Reads the `data` of server-sent events (HTML "server-sent events" §9.2.6: lines end in CRLF, LF
 * or CR; `data:` lines join with LF; a blank line dispatches) as a relayed stream passes, without
 * changing it. An event larger than `maxEventBytes` is skipped: the guard reads events to learn
 * from them, never to decide what passes.
 */
export class SseDataReader {
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';
  private data: string[] = [];
  private size = 0;
  private skipping = false;
  private lastWasCr = false;

  constructor(
    private readonly maxEventBytes: number,
    private readonly onData: (data: string) => void,
  ) {}

  push(chunk: Buffer): void {
    let text = this.decoder.decode(chunk, { stream: true });
    // A CRLF split across chunks: the LF ends no second line.
    if (this.lastWasCr && text.startsWith('\n')) text = text.slice(1);
    this.lastWasCr = text.endsWith('\r');
    let start = 0;
    for (;;) {
      const end = nextBreak(text, start);
      if (end === -1) break;
      this.line(this.pending + text.slice(start, end));
      this.pending = '';
      start = text[end] === '\r' && text[end + 1] === '\n' ? end + 2 : end + 1;
    }
    const rest = text.slice(start);
    if (this.pending.length + rest.length > this.maxEventBytes) {
      this.pending = '';
      this.skipping = true;
    } else {
      this.pending += rest;
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (!this.skipping && this.data.length > 0) this.onData(this.data.join('\n'));
      this.data = [];
      this.size = 0;
      this.skipping = false;
      return;
    }
    if (this.skipping || !line.startsWith('data')) return;
    if (line.length > 4 && line[4] !== ':') return;
    const value = line.length <= 5 ? '' : line[5] === ' ' ? line.slice(6) : line.slice(5);
    this.size += value.length + 1;
    if (this.size > this.maxEventBytes) {
      this.skipping = true;
      this.data = [];
      return;
    }
    this.data.push(value);
  }
}

function nextBreak(text: string, from: number): number {
  const lf = text.indexOf('\n', from);
  const cr = text.indexOf('\r', from);
  if (cr === -1) return lf;
  if (lf === -1) return cr;
  return Math.min(lf, cr);
}
