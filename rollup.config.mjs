// Builds what users load:
//   dist/esm/**                       one file per module, dependencies external, .d.ts beside them
//   dist/flow-storefront.umd.min.js   everything inlined and minified, global `FlowStorefront`,
//                                     loadable by a plain <script> and by RequireJS (AMD id below)
import { readFileSync } from 'node:fs'
import nodeResolve from '@rollup/plugin-node-resolve'
import replace from '@rollup/plugin-replace'
import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
const external = [...Object.keys(pkg.dependencies)]

const constants = (dev, extra = {}) =>
  replace({
    preventAssignment: true,
    values: { __VERSION__: JSON.stringify(pkg.version), __DEV__: dev, ...extra },
  })

const onwarn = (warning) => {
  // A warning is a build error here: silent breakage ships otherwise.
  throw new Error(`rollup: ${warning.message}`)
}

export default [
  {
    input: 'src/index.ts',
    external: (id) => external.some((dep) => id === dep || id.startsWith(`${dep}/`)),
    onwarn,
    plugins: [
      // In ESM the application's bundler decides: development warnings stay unless NODE_ENV is production.
      constants("(typeof process !== 'undefined' && process.env.NODE_ENV !== 'production')"),
      typescript({ tsconfig: './tsconfig.json', outDir: 'dist/esm', declarationDir: 'dist/esm' }),
    ],
    output: {
      dir: 'dist/esm',
      format: 'es',
      preserveModules: true,
      preserveModulesRoot: 'src',
      entryFileNames: '[name].js',
    },
  },
  {
    input: 'src/umd.ts',
    onwarn,
    plugins: [
      // Dependencies (nanostores) read process.env.NODE_ENV: a script tag has no bundler to do it.
      constants('false', { 'process.env.NODE_ENV': JSON.stringify('production') }),
      nodeResolve({ browser: true }),
      typescript({ tsconfig: './tsconfig.json', declaration: false, outDir: 'dist', declarationDir: undefined }),
    ],
    output: {
      file: 'dist/flow-storefront.umd.min.js',
      format: 'umd',
      name: 'FlowStorefront',
      amd: { id: 'flow-storefront' },
      exports: 'named',
      plugins: [terser({ format: { comments: false }, compress: { passes: 2 } })],
    },
  },
]
