// Flow signs the raw body only: `X-Flow-Signature: sha256=<64 lowercase hex>` is
// HMAC-SHA256(secret, raw bytes). The header is checked against the exact grammar before any hex
// is decoded (Node's hex decoder silently drops a bad tail, so `sha256=<valid>zz` would pass a
// naive check), then the 32-byte digests are compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto'

/** The exact grammar of Flow's signature header. */
export const SIGNATURE_PATTERN = /^sha256=[0-9a-f]{64}$/

/** The header Flow puts the signature in (lower case, as Node reports header names). */
export const SIGNATURE_HEADER = 'x-flow-signature'

/**
 * The signature Flow would send for `body` with `secret` (for tests, fixtures and the emulator).
 *
 * @example
 * signWebhookBody('s3cret', '{"event_id":"evt-1"}') // 'sha256=' + 64 lowercase hex digits
 */
export function signWebhookBody(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/**
 * Checks a signature header against the raw body with every secret in `secrets` (the current
 * one and those being rotated out). Every secret is tried, match or not, so the time taken does
 * not tell which one matched.
 *
 * @example
 * verifyWebhookSignature(raw, req.headers['x-flow-signature'], ['s3cret']) // true or false
 */
export function verifyWebhookSignature(body: Uint8Array, header: string | readonly string[] | undefined, secrets: readonly string[]): boolean {
  // Two headers (or a folded one) are an attempt to confuse: refuse rather than pick one.
  if (typeof header !== 'string' || !SIGNATURE_PATTERN.test(header)) return false
  const received = Buffer.from(header.slice('sha256='.length), 'hex')
  if (received.length !== 32) return false
  let matched = false
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(body).digest()
    if (timingSafeEqual(expected, received)) matched = true
  }
  return matched
}

/**
 * Validates the list of secrets a receiver accepts: at least one, each a non-empty string. The
 * message names the option and never echoes a secret.
 *
 * @example
 * checkSecrets('createWebhookReceiver()', ['s3cret']) // ['s3cret']
 */
export function checkSecrets(api: string, secrets: unknown): string[] {
  const list = typeof secrets === 'string' ? [secrets] : secrets
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(
      `${api}: \`secrets\` must list at least one webhook secret; refusing to accept unsigned webhooks. Set it with \`webhook-update-settings\`, FLOW_WEBHOOK_SECRET or --webhook-secret.`,
    )
  }
  list.forEach((secret, i) => {
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new TypeError(`${api}: \`secrets[${i}]\` must be a non-empty string. Received: ${secret === '' ? 'an empty string' : typeof secret}`)
    }
  })
  return [...new Set(list as string[])]
}
