// The inline <head> snippet that removes price flicker. Paste it (or `headSnippet()`'s output)
// into <head> before any stylesheet, with your CSP nonce on the <script> tag. It runs in well under
// a millisecond and does three things, synchronously, before the first paint:
//   1. unless `flow_enabled=false` is in the URL, marks <html data-flow-pending>;
//   2. adds a style (carrying the script's nonce) that hides price elements until the SDK's first
//      pass is written — with `visibility`, so each keeps its width and nothing shifts;
//   3. after the pricing timeout, removes the mark: base prices show whatever happens (fail-open).
// It also copies the last experience from the persisted session snapshot onto
// <html data-flow-experience>, so CSS can style per experience before the SDK runs.
// The SDK removes the mark as soon as its first pass is written (from IndexedDB when warm).

/** Upper bound of the snippet's size in bytes, checked by a test. */
export const HEAD_SNIPPET_MAX_BYTES = 1024

/**
 * The snippet's source for a pricing timeout, ready for an inline `<script>`.
 *
 * @example
 * `<script nonce="${nonce}">${headSnippet({ pricingTimeoutMs: 2000 })}</script>`
 */
export function headSnippet(options: { pricingTimeoutMs?: number } = {}): string {
  const timeout = options.pricingTimeoutMs ?? 2000
  if (!Number.isInteger(timeout) || timeout < 0 || timeout > 60_000) {
    throw new RangeError(`headSnippet(): pricingTimeoutMs expected an integer from 0 to 60000, received ${String(timeout)}`)
  }
  return HEAD_SNIPPET.replace('2e3', String(timeout))
}

/** The snippet with the default 2,000 ms pricing timeout. */
export const HEAD_SNIPPET =
  '(function(d){try{if(/[?&]flow_enabled=false/.test(location.search))return;' +
  'var h=d.documentElement,c=d.currentScript,s=d.createElement("style"),x;' +
  'h.setAttribute("data-flow-pending","");' +
  'try{x=JSON.parse(localStorage.getItem("flow-storefront:session")||"null")}catch(e){}' +
  'if(x&&x.experience)h.setAttribute("data-flow-experience",x.experience);' +
  'if(c&&c.nonce)s.nonce=c.nonce;s.setAttribute("data-flow-style","");' +
  's.textContent="[data-flow-waiting],[data-flow-pending] [data-flow-localize],[data-flow-pending] [data-flow-price-conversion-amount]{visibility:hidden}";' +
  '(d.head||h).appendChild(s);' +
  'setTimeout(function(){h.removeAttribute("data-flow-pending")},2e3)}catch(e){}})(document)'
