/**
 * GitHub's CODEOWNERS file, as docs.github.com "About code owners" describes it: one pattern per
 * line followed by owners, gitignore-style patterns, and "the last matching pattern takes the
 * most precedence". A pattern with no owners un-assigns the files it matches.
 */

/** Where GitHub looks, in its order: the first that exists is used. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
  regex: RegExp;
}

const escape = (c: string): string => c.replace(/[.+^${}()|[\]\\]/g, '\\$&');

/** A gitignore-style pattern as a regular expression over `/`-separated repository paths. */
function patternRegex(raw: string): RegExp {
  let p = raw;
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  // A slash at the start or in the middle anchors the pattern at the repository root.
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  let body = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      const slash = p[i + 2] === '/';
      body += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') body += '[^/]*';
    else if (c === '?') body += '[^/]';
    else body += escape(c);
  }
  // A pattern naming a directory owns everything under it.
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}${dirOnly ? '/.*' : '(?:/.*)?'}$`);
}

export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [pattern, ...rest] = line.split(/\s+/);
    const owners: string[] = [];
    for (const word of rest) {
      if (word.startsWith('#')) break;
      owners.push(word);
    }
    rules.push({ pattern: pattern!, owners, line: i + 1, regex: patternRegex(pattern!) });
  }
  return rules;
}

/** The owners of `file` (repository-relative, `/`-separated): the last matching rule's. */
export function codeownersOf(rules: readonly CodeownersRule[], file: string): { owners: string[]; rule: CodeownersRule } | null {
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i]!;
    if (rule.regex.test(file)) return { owners: rule.owners, rule };
  }
  return null;
}
