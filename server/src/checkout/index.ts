// The checkout endpoint (checkout tokens, the only step that needs the API key), the no-JavaScript
// redirect and session start, framework-neutral with node:http and Fetch adapters.
export { buildCheckoutTokenForm, createCheckoutEndpoint, SESSION_COOKIE, sessionCookie } from './checkout.js'
export type { CheckoutEndpoint, CheckoutEndpointOptions, CheckoutLine, CheckoutRequest, ResolvedCart } from './checkout.js'
export { createSessionStartEndpoint, sameOriginPath } from './session.js'
export type { SessionStartEndpoint, SessionStartOptions } from './session.js'
export { toFetchHandler, toNodeHandler } from './http.js'
export type { Endpoint, EndpointAnswer, EndpointRequest } from './http.js'
