import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { GENERATED_TYPES_FILE, generateSchemaTypes } from '../../src/schemas/generate.js';

describe('src/schemas/types.generated.ts', () => {
  it('matches the schemas', async () => {
    const expected = await generateSchemaTypes();
    const actual = readFileSync(GENERATED_TYPES_FILE, 'utf8');
    expect(actual === expected, 'src/schemas/types.generated.ts is stale: run npm run gen:types').toBe(true);
  });

  it('lints without a warning, and without disabling the linter', async () => {
    const source = await generateSchemaTypes();
    expect(source).not.toMatch(/eslint-disable/);
    const [result] = await new ESLint().lintText(source, { filePath: GENERATED_TYPES_FILE });
    expect(result?.messages.map((m) => `${m.line}:${m.column} ${m.ruleId ?? ''} ${m.message}`)).toEqual([]);
  });
});
