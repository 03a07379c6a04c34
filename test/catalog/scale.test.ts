import { describe, expect, it } from 'vitest';
import { writeTree } from '../helpers/fs.js';
import { runCli } from '../helpers/cli.js';
import { generatedOpenApi } from './generate.js';
import { importText, operationsOf } from './helpers.js';

// "An API with hundreds of routes is described in minutes": 500 routes import in one command and
// validate as they are. How long it takes is measured by `npm run bench`, never asserted here.
describe('import at scale', () => {
  it('imports 500 routes into a catalog that validates', async () => {
    const result = importText({ format: 'openapi', text: generatedOpenApi(500), file: 'generated.json', name: 'generated' });
    expect(result.operations).toBe(500);
    expect(result.classes).toEqual({ destructive: 100, write: 200, read: 200 });
    expect(result.notes).toEqual([]);
    expect(operationsOf(result.text)['widget0042Delete']).toEqual({
      class: 'destructive',
      http: { method: 'DELETE', path: '/v1/projects/{projectId}/widget0042s/{widget0042Id}' },
      resource: { kind: 'widget0042', idArg: 'widget0042Id', projectArg: 'projectId' },
      description: 'widget0042Delete summary',
    });
    const dir = await writeTree({ 'policies/apis/generated.yaml': result.text });
    const validated = await runCli(['validate', '--dir', 'policies'], { cwd: dir });
    expect(validated.stdout).toContain('0 errors');
    expect(validated.code).toBe(0);
  });
});
