// A small, strict parser of Rego term syntax for scalar and composite values (what
// `ast.ParseTerm` accepts for the value dumps OPA's Go host reads), used to check that
// opa_value_dump output is valid Rego and means what it should.

export type Term =
  | { readonly t: 'null' }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'num'; readonly text: string }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'arr'; readonly items: readonly Term[] }
  | { readonly t: 'obj'; readonly entries: readonly (readonly [Term, Term])[] }
  | { readonly t: 'set'; readonly items: readonly Term[] };

export class RegoSyntaxError extends Error {
  override readonly name = 'RegoSyntaxError';
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;

export function parseRegoTerm(text: string): Term {
  let pos = 0;
  const fail = (what: string): never => {
    throw new RegoSyntaxError(`${what} at ${pos} in ${JSON.stringify(text.slice(0, 200))}`);
  };
  const ws = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos] ?? '')) pos++;
  };
  const eat = (s: string): boolean => {
    if (text.startsWith(s, pos)) {
      pos += s.length;
      return true;
    }
    return false;
  };
  const string = (): string => {
    const start = pos;
    pos++;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (Number.isNaN(c) || c < 0x20) fail('bad string');
      if (c === 0x22) break;
      if (c === 0x5c) {
        const e = text[pos + 1] ?? '';
        if ('"\\/bfnrt'.includes(e)) pos += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) pos += 6;
        else fail('bad escape');
      } else pos++;
    }
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const term = (): Term => {
    ws();
    if (eat('null')) return { t: 'null' };
    if (eat('true')) return { t: 'bool', v: true };
    if (eat('false')) return { t: 'bool', v: false };
    if (eat('set(')) {
      ws();
      if (!eat(')')) fail('expected )');
      return { t: 'set', items: [] };
    }
    const c = text[pos];
    if (c === '"') return { t: 'str', v: string() };
    if (c === '[') {
      pos++;
      const items: Term[] = [];
      ws();
      if (eat(']')) return { t: 'arr', items };
      for (;;) {
        items.push(term());
        ws();
        if (eat(']')) return { t: 'arr', items };
        if (!eat(',')) fail('expected , or ]');
      }
    }
    if (c === '{') {
      pos++;
      ws();
      if (eat('}')) return { t: 'obj', entries: [] };
      const first = term();
      ws();
      if (eat(':')) {
        const entries: [Term, Term][] = [[first, term()]];
        for (;;) {
          ws();
          if (eat('}')) return { t: 'obj', entries };
          if (!eat(',')) fail('expected , or }');
          const k = term();
          ws();
          if (!eat(':')) fail('expected :');
          entries.push([k, term()]);
        }
      }
      const items: Term[] = [first];
      for (;;) {
        ws();
        if (eat('}')) return { t: 'set', items };
        if (!eat(',')) fail('expected , or }');
        items.push(term());
      }
    }
    const m = NUMBER.exec(text.slice(pos));
    if (m) {
      pos += m[0].length;
      return { t: 'num', text: m[0] };
    }
    return fail('unexpected input');
  };
  const result = term();
  ws();
  if (pos !== text.length) fail('trailing input');
  return result;
}

/** Converts a term of a JSON-representable value to plain JS (sets become arrays). */
export function termToJs(term: Term): unknown {
  switch (term.t) {
    case 'null':
      return null;
    case 'bool':
    case 'str':
      return term.v;
    case 'num':
      return Number(term.text);
    case 'arr':
    case 'set':
      return term.items.map(termToJs);
    case 'obj': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of term.entries) {
        if (k.t !== 'str') throw new RegoSyntaxError('non-string key');
        out[k.v] = termToJs(v);
      }
      return out;
    }
  }
}
