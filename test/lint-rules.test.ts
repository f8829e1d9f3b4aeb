// The lint rules that guard ARCHITECTURE.md's boundaries actually fire: each snippet below breaks
// one, in a file where it applies, and must be reported by that rule.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname })

async function rulesFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message)
}

describe('lint boundaries', () => {
  it.each([
    ['core/ imports a feature', 'src/core/x.ts', "import { localizePrices } from '../price/index.js'\nexport const f = localizePrices\n", 'import-x/no-restricted-paths'],
    ['a feature reaches past another feature\'s index.ts', 'src/price/x.ts', "import { readSessionCookie } from '../session/dom.js'\nexport const f = readSessionCookie\n", 'import-x/no-restricted-paths'],
    ['browser globals outside env.ts and dom.ts', 'src/price/x.ts', 'export const f = () => window.location.href\n', 'no-restricted-globals'],
    ['the server imports browser code', 'server/src/x.ts', "import { localizePrices } from 'flow-storefront'\nexport const f = localizePrices\n", 'no-restricted-imports'],
    ['an import cycle (events.ts imports stores.ts)', 'src/core/stores.ts', "import { on } from './events.js'\nexport const f = on\n", 'import-x/no-cycle'],
  ])('reports %s', async (_name, file, code, rule) => {
    expect(await rulesFor(file, code)).toContain(rule)
  })

  it('accepts the same code where it is allowed', async () => {
    expect(await rulesFor('src/price/dom.ts', 'export const f = () => window.location.href\n')).toEqual([])
  })
}, 60_000)
