/** What a rule does with a call: let it through, let it through and report it, or stop it. */
export type Mode = 'allow' | 'shadow' | 'deny';
/** What an operation does to its resource. */
export type OperationClass = 'read' | 'write' | 'destructive';

export const MODES: readonly Mode[] = ['allow', 'shadow', 'deny'];
export const CLASSES: readonly OperationClass[] = ['read', 'write', 'destructive'];
/** How strongly a mode decides: when several rules match, the most severe wins. */
export const SEVERITY: Readonly<Record<Mode, number>> = { allow: 0, shadow: 1, deny: 2 };
