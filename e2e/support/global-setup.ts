// Starts what every spec needs once per run and hands its address to the workers through env.
import { existsSync } from 'node:fs'
import { startStaticServer } from './static-server.js'

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(new URL('../../dist/flow-storefront.umd.min.js', import.meta.url))) {
    throw new Error('e2e: dist/ is missing. Run `npm run build` first (npm test does it for you).')
  }
  const site = await startStaticServer()
  process.env.E2E_BASE_URL = site.url
  return () => site.close()
}
