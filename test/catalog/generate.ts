/**
 * An OpenAPI document of `routes` operations, five per resource type (list, create, get, update,
 * delete), the way a large REST API is shaped. Built here rather than stored, so its size is a
 * parameter (the scale test and the bench share it).
 */
export function generatedOpenApi(routes: number): string {
  const paths: Record<string, Record<string, unknown>> = {};
  const ok = { responses: { '200': { description: 'ok' } } };
  let written = 0;
  for (let i = 0; written < routes; i++) {
    const kind = `widget${String(i).padStart(4, '0')}`;
    const collection: Record<string, unknown> = {};
    const item: Record<string, unknown> = {};
    const all: [Record<string, unknown>, string, string][] = [
      [collection, 'get', `${kind}List`],
      [collection, 'post', `${kind}Create`],
      [item, 'get', `${kind}Get`],
      [item, 'patch', `${kind}Update`],
      [item, 'delete', `${kind}Delete`],
    ];
    for (const [target, method, operationId] of all.slice(0, routes - written)) {
      target[method] = { operationId, summary: `${operationId} summary`, ...ok };
      written++;
    }
    paths[`/v1/projects/{projectId}/${kind}s`] = collection;
    if (Object.keys(item).length > 0) paths[`/v1/projects/{projectId}/${kind}s/{${kind}Id}`] = item;
  }
  return JSON.stringify({ openapi: '3.1.0', info: { title: 'Generated', version: '1' }, servers: [{ url: 'https://api.generated.example' }], paths });
}
