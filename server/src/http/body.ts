// Reading a request body with a size limit, shared by the webhook receiver and the checkout
// endpoint: the limit is enforced while the bytes arrive, never after buffering them all.

/**
 * Reads a Fetch API body stream up to `limit` bytes; `'too_large'` (and the stream cancelled) as
 * soon as it passes the limit.
 *
 * @example
 * const body = await readStreamBody(request.body, 5 * 1024 * 1024)
 * if (body === 'too_large') return new Response(null, { status: 413 })
 */
export async function readStreamBody(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | 'too_large'> {
  if (stream === null) return new Uint8Array(0)
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      return 'too_large'
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, size)
}
