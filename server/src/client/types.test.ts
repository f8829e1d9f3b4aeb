import { readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { FlowClient } from './index.js'
import type { LocalizedItemsFilterResponse } from './extra-types.js'
import type {
  CheckoutTokenForm,
  Experience,
  FlowOperationKey,
  FlowOperations,
  GenericErrorCode,
  Item,
  ItemForm,
  LocalizedPrice,
  Session,
  Webhook,
} from './types.js'

type Spec = {
  models: { name: string; fields: { name: string; type: string; required?: boolean }[] }[]
  resources: { operations: { method: string; path: string }[] }[]
}
type Generator = { generateClientTypes(spec: Spec): string }

const scriptUrl = pathToFileURL(fileURLToPath(new URL('../../scripts/gen-client-types.mjs', import.meta.url))).href
const specText = readFileSync(new URL('../../spec/spec-subset.json', import.meta.url), 'utf8')
const checkedIn = readFileSync(new URL('./types.ts', import.meta.url), 'utf8')

async function generate(spec: Spec): Promise<string> {
  const generator = (await import(scriptUrl)) as Generator
  return generator.generateClientTypes(spec)
}

describe('generated types.ts', () => {
  it('is exactly what the generator makes from the spec (run `node server/scripts/gen-client-types.mjs` if not)', async () => {
    expect(await generate(JSON.parse(specText) as Spec)).toBe(checkedIn)
  })

  it('changes when the spec changes, so the drift check above can fail', async () => {
    const spec = JSON.parse(specText) as Spec
    const webhook = spec.models.find((m) => m.name === 'webhook')
    webhook?.fields.push({ name: 'secret_hint', type: 'string', required: false })
    const changed = await generate(spec)
    expect(changed).not.toBe(checkedIn)
    expect(changed).toContain('  secret_hint?: string\n')
  })

  it('has one FlowOperations entry per spec operation (49)', () => {
    const spec = JSON.parse(specText) as Spec
    const keys = spec.resources.flatMap((r) => r.operations.map((o) => `${o.method} ${o.path}`))
    const table = checkedIn.slice(checkedIn.indexOf('export type FlowOperations = {'))
    const entries = [...table.matchAll(/^ {2}'([A-Z]+ [^']+)': \{$/gm)].map((m) => m[1])
    expect({ count: keys.length, entries }).toEqual({ count: 49, entries: keys })
  })
})

// Compile-time checks: `tsc -p server/tsconfig.json` (npm run typecheck) fails if the shapes drift.
describe('type shapes', () => {
  it('maps operations to their body and 2xx response', () => {
    type PutItem = FlowOperations['PUT /:organization/catalog/items/:number']
    expectTypeOf<PutItem['body']>().toEqualTypeOf<ItemForm>()
    expectTypeOf<PutItem['response']>().toEqualTypeOf<Item>()
    expectTypeOf<PutItem['pathParams']>().toEqualTypeOf<{ organization: string; number: string }>()
    expectTypeOf<FlowOperations['GET /:organization/experiences']['response']>().toEqualTypeOf<Experience[]>()
    expectTypeOf<FlowOperations['GET /:organization/experiences/items']['query']['number']>().toEqualTypeOf<readonly string[] | undefined>()
    expectTypeOf<FlowOperations['DELETE /:organization/catalog/items/:number']['response']>().toEqualTypeOf<undefined>()
    expectTypeOf<'GET /:organization/webhooks'>().toExtend<FlowOperationKey>()
  })

  it('types enums as literal unions and unions as discriminated', () => {
    expectTypeOf<GenericErrorCode>().toEqualTypeOf<'generic_error' | 'client_error' | 'server_error'>()
    expectTypeOf<CheckoutTokenForm['discriminator']>().toEqualTypeOf<'checkout_token_order_form' | 'checkout_token_reference_form'>()
    expectTypeOf<LocalizedPrice['key']>().toEqualTypeOf<'localized_item_price' | 'localized_item_vat' | 'localized_item_duty' | 'localized_total'>()
    expectTypeOf<Session['discriminator']>().toEqualTypeOf<'organization_session'>()
    expectTypeOf<Extract<CheckoutTokenForm, { discriminator: 'checkout_token_reference_form' }>['order_number']>().toEqualTypeOf<string>()
  })

  it('gives the named methods the spec types', () => {
    expectTypeOf<ReturnType<FlowClient['getItem']>>().toEqualTypeOf<Promise<Item | undefined>>()
    expectTypeOf<ReturnType<FlowClient['putItem']>>().toEqualTypeOf<Promise<Item>>()
    expectTypeOf<ReturnType<FlowClient['deleteItem']>>().toEqualTypeOf<Promise<boolean>>()
    expectTypeOf<ReturnType<FlowClient['listAllWebhooks']>>().toEqualTypeOf<Promise<Webhook[]>>()
    expectTypeOf<ReturnType<FlowClient['getLocalizedItemsByNumber']>>().toEqualTypeOf<Promise<LocalizedItemsFilterResponse>>()
  })
})
