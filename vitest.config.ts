import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const money = fileURLToPath(new URL('./src/core/money.ts', import.meta.url))
const priceDocument = fileURLToPath(new URL('./src/price/document.ts', import.meta.url))

// Two projects: DOM code runs in happy-dom, pure code and the server package in Node.
// A file named `*.dom.test.ts` (or under a `dom` folder) is DOM code; everything else is pure.
export default defineConfig({
  define: { __VERSION__: JSON.stringify('0.0.0-test'), __DEV__: 'true' },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['src/**/*.dom.test.ts', 'test/**/*.dom.test.ts'],
          setupFiles: ['test/setup-dom.ts'],
        },
      },
      {
        extends: true,
        resolve: { alias: { 'flow-storefront/money': money, 'flow-storefront/price-document': priceDocument } },
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'server/**/*.test.ts'],
          exclude: ['**/*.dom.test.ts', '**/node_modules/**', 'server/dist/**'],
        },
      },
    ],
  },
})
