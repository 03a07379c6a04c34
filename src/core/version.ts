/** The toolchain version: shown by `--version` and recorded in every bundle's manifest metadata. */
export const VERSION = '0.1.0';
