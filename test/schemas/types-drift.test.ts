import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_TYPES_FILE, generateSchemaTypes } from '../../src/schemas/generate.js';

describe('src/schemas/types.generated.ts', () => {
  it('matches the schemas', async () => {
    const expected = await generateSchemaTypes();
    const actual = readFileSync(GENERATED_TYPES_FILE, 'utf8');
    expect(actual === expected, 'src/schemas/types.generated.ts is stale: run npm run gen:types').toBe(true);
  });
});
