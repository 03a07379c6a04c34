export { EDIT_CODES, EDIT_CODE_TITLES } from './codes.js';
