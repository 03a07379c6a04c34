// The catalog importer locates notes in the JSON descriptions it reads; the validator locates
// problems in the JSON files an Api names (trusted-documents manifests): one scanner, in core.
export { locateJson } from '../core/json-position.js';
