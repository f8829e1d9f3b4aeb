// One lint config for the repo. Besides the usual TypeScript checks it enforces the module
// boundaries of ARCHITECTURE.md: core imports no feature, a feature reaches another only through
// its index.ts, compat uses only the public API, no import cycles, browser globals only in
// core/env.ts and files named dom.ts, and the server package imports no browser code but money.
import js from '@eslint/js'
import importX from 'eslint-plugin-import-x'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const features = ['session', 'price', 'cart', 'country-picker', 'checkout', 'compat']

const featureZones = features.flatMap((feature) => [
  // core is the bottom layer: it imports no feature.
  { target: './src/core', from: `./src/${feature}`, message: 'core/ must not import a feature.' },
  // A feature reaches another only through that folder's index.ts.
  ...features
    .filter((other) => other !== feature)
    .map((other) => ({
      target: `./src/${feature}`,
      from: `./src/${other}`,
      except: ['./index.ts'],
      message: `import ${other}/ through its index.ts only.`,
    })),
])

const browserGlobals = ['window', 'document', 'indexedDB', 'localStorage', 'sessionStorage', 'navigator', 'location']

export default tseslint.config(
  { ignores: ['**/dist/**', 'tmp/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      // Without these, import-x cannot parse the TypeScript files it follows, and no-cycle sees no edges.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.test.json', 'server/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...featureZones,
            {
              target: './src/compat',
              from: './src',
              except: ['./index.ts', './compat'],
              message: 'compat/ uses only the public API (src/index.ts). If it needs more, the public API is missing it.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...browserGlobals.map((name) => ({
          name,
          message: `reach ${name} through core/env.ts (or a file named dom.ts), inside a function: importing must touch no browser global.`,
        })),
      ],
    },
  },
  {
    files: ['src/core/env.ts', 'src/**/dom.ts'],
    rules: { 'no-restricted-globals': 'off' },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^flow-storefront(?!/money$|/price-document$)(/.*)?$|^\\.\\./\\.\\./src/',
              message: 'the server imports no browser code except the DOM-free flow-storefront/money and flow-storefront/price-document.',
            },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript: Node scripts, and the pages the e2e specs load in the browser.
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    // Browser code: e2e pages, and the functions benchmarks hand to page.evaluate().
    files: ['e2e/pages/**', 'examples/**/public/**', 'bench/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['**/*.test.ts', 'e2e/**', 'test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off', 'no-empty-pattern': 'off' },
  },
)
