// `@peculiar/x509` loads `tsyringe`, which throws at import time unless the Reflect metadata API
// exists. ES modules evaluate their imports in order, so every use of the library goes through
// this module, and the polyfill is evaluated first.
import 'reflect-metadata';

export * as x509 from '@peculiar/x509';
