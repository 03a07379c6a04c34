import { codeRegistry } from '../core/errors.js';
import type { CodeOf } from '../core/errors.js';

/** Error codes BG860–BG879: rewriting policy YAML in place (`promote`, `narrow-token`). */
const REGISTRY = codeRegistry({
  /** `promote` names a rule no Policy declares. */
  unknownRule: ['BG860', 'no Policy declares the rule to promote'],
  /** `promote` names a rule already in mode deny. */
  alreadyDeny: ['BG861', 'the rule is already in mode deny'],
  /** `promote` names a rule in mode allow: promotion is shadow → deny only. */
  notShadow: ['BG862', 'the rule is in mode allow; only shadow rules are promoted'],
  /** `narrow-token` names a token no Token document declares. */
  unknownToken: ['BG863', 'no Token document declares the token'],
  /** The rule id is not `<policy>/<rule>`. */
  badRuleId: ['BG864', 'a rule to promote must be named `<policy>/<rule>`'],
  /** A policy YAML file cannot be read, parsed or written back. */
  fileFailed: ['BG865', 'a policy file cannot be read, parsed or written back'],
  /** Narrowing would leave a token without any grant. */
  emptyToken: ['BG866', 'narrowing would leave the token without grants; delete the Token instead'],
  /** A grant selects operations by class or `*`: it is expanded to the used names. */
  selectorExpanded: ['BG867', 'a grant selector (`class:…`, `*`) was replaced by the operations it covers that were used'],
});

export const EDIT_CODES = REGISTRY.codes;
export const EDIT_CODE_TITLES = REGISTRY.titles;
export type EditCode = CodeOf<typeof EDIT_CODES>;
