// The catalog-import section of `npm run bench`: "an API with hundreds of routes is described in
// minutes" — how long `import openapi` takes for generated documents of 50 … 5,000 routes, fresh
// and as a re-import of an unchanged catalog, next to only parsing the written catalog with `yaml`.
import { parse } from 'yaml';
import { importCatalog } from '../../src/catalog/index.js';
import { generatedOpenApi } from '../catalog/generate.js';

const SIZES = [50, 500, 5_000];

function median(fn: () => unknown, rounds: number): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** Markdown lines for the bench output. */
export function benchCatalog(): string[] {
  const rows = SIZES.map((routes) => {
    const text = generatedOpenApi(routes);
    const rounds = routes >= 5_000 ? 3 : 10;
    const fresh = importCatalog({ format: 'openapi', text, file: 'generated.json' });
    const importMs = median(() => importCatalog({ format: 'openapi', text, file: 'generated.json' }), rounds);
    const reimportMs = median(() => importCatalog({ format: 'openapi', text, file: 'generated.json', existing: { text: fresh.text, file: 'generated.yaml' } }), rounds);
    const parseMs = median(() => parse(fresh.text), rounds);
    return `| ${routes} | ${importMs.toFixed(1)} | ${reimportMs.toFixed(1)} | ${parseMs.toFixed(1)} | ${(fresh.text.length / 1024).toFixed(0)} |`;
  });
  return [
    'Catalog import (`blastguard import openapi`), median ms over generated OpenAPI documents:',
    '',
    '| routes | import | re-import (unchanged) | yaml parse of the catalog only | catalog KiB |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ];
}
