/** What went wrong, in one word a program can switch on. */
export type FlowErrorCode =
  | 'config' // a programmer mistake in options or arguments
  | 'network' // fetch failed: offline, DNS, connection reset, CORS
  | 'timeout' // no answer within the per-attempt timeout
  | 'http' // the API answered with a non-2xx status
  | 'parse' // the body was not the JSON we asked for (HTML page, truncated body, ...)
  | 'storage' // IndexedDB / localStorage refused (only ever reported, never thrown at the shopper)
  | 'not_found' // a thing the caller named does not exist
  | 'unsupported' // the environment lacks what the call needs

export type FlowErrorOptions = {
  cause?: unknown
  status?: number
  requestId?: string
  body?: unknown
}

/**
 * The one error class of flow-storefront. Every failure the SDK reports is one of these, with a
 * `code` to switch on and the original error as `cause`. It never carries an API key, a session id
 * or a checkout token in its message.
 *
 * @example
 * throw new FlowStorefrontError('http', 'getSession(): Flow answered 503. Retry later.', { status: 503 })
 * // err.name === 'FlowStorefrontError', err.code === 'http', err.status === 503
 */
export class FlowStorefrontError extends Error {
  override readonly name = 'FlowStorefrontError'
  readonly code: FlowErrorCode
  readonly status: number | undefined
  readonly requestId: string | undefined
  readonly body: unknown

  constructor(code: FlowErrorCode, message: string, options: FlowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = options.status
    this.requestId = options.requestId
    this.body = options.body
  }
}

/**
 * True for any flow-storefront error, including one thrown by another copy of the SDK on the same
 * page (the UMD file and an ESM import each have their own class), so it compares the name too.
 *
 * @example
 * isFlowStorefrontError(new FlowStorefrontError('network', 'offline')) // true
 */
export function isFlowStorefrontError(error: unknown): error is FlowStorefrontError {
  return (
    error instanceof FlowStorefrontError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { name?: unknown }).name === 'FlowStorefrontError' &&
      typeof (error as { code?: unknown }).code === 'string')
  )
}
