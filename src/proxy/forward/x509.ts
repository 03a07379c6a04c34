// The metadata polyfill must be evaluated before `@peculiar/x509` loads `tsyringe`: ES modules
// evaluate their imports in order, so every use of the library goes through this module.
import './reflect-metadata.js';

export * as x509 from '@peculiar/x509';
