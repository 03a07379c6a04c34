// The diff's property tests run on a fixed seed so that a failure reproduces the same way
// everywhere; FC_SEED=<n> explores other pairs, and they must finish as fast (the diff no longer
// multiplies its cells with the number of argument paths: src/diff/settle.ts).
export const DIFF_SEED = process.env['FC_SEED'] === undefined ? 20261130 : Number(process.env['FC_SEED']);
