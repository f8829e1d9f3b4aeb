import * as crypto from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { WEBHOOK_EVENT_TYPES, type WebhookEventType, type WebhookPayloads } from './events.js'
import { checkSecrets, signWebhookBody, verifyWebhookSignature } from './signature.js'

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>()
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) }
})

describe('verifyWebhookSignature', () => {
  it('compares 32-byte digests with timingSafeEqual, once per secret, even after a match', () => {
    const body = Buffer.from('{"event_id":"evt-1","discriminator":"order_placed"}')
    const spy = vi.mocked(crypto.timingSafeEqual)
    spy.mockClear()
    const ok = verifyWebhookSignature(body, signWebhookBody('first-secret-xxxxxxxx', body), ['first-secret-xxxxxxxx', 'second-secret-xxxxxxx'])
    const lengths = spy.mock.calls.map(([a, b]) => [(a as Buffer).length, (b as Buffer).length])
    spy.mockClear()
    const malformed = verifyWebhookSignature(body, `${signWebhookBody('first-secret-xxxxxxxx', body)}zz`, ['first-secret-xxxxxxxx'])
    expect({ ok, lengths, malformed, comparedForMalformed: spy.mock.calls.length }).toEqual({
      ok: true,
      lengths: [
        [32, 32],
        [32, 32],
      ],
      malformed: false,
      comparedForMalformed: 0,
    })
  })

  it('signs like Flow: sha256= and the lowercase hex HMAC of the raw bytes', () => {
    expect(signWebhookBody('key', 'The quick brown fox jumps over the lazy dog')).toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8')
  })

  it('names the option without echoing a secret', () => {
    expect(() => checkSecrets('x()', [42])).toThrow('x(): `secrets[0]` must be a non-empty string. Received: number')
    expect(checkSecrets('x()', ['a-secret', 'a-secret', 'b-secret'])).toEqual(['a-secret', 'b-secret'])
  })
})

describe('event types', () => {
  it('lists exactly the payload types (drift check between the runtime list and the type map)', () => {
    type Listed = (typeof WEBHOOK_EVENT_TYPES)[number]
    const same: [Listed] extends [keyof WebhookPayloads] ? ([keyof WebhookPayloads] extends [Listed] ? true : false) : false = true
    const asType: WebhookEventType[] = [...WEBHOOK_EVENT_TYPES]
    expect({ same, count: asType.length, unique: new Set(asType).size }).toEqual({ same: true, count: 7, unique: 7 })
  })
})
