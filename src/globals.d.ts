// Build-time constants, replaced by rollup (rollup.config.mjs) and by vitest's `define`.
// __DEV__ becomes `false` in the UMD file and a `process.env.NODE_ENV` check in the ESM tree,
// so application bundlers strip development warnings from production builds.
declare const __VERSION__: string
declare const __DEV__: boolean
