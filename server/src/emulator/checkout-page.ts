// The hosted checkout page: plain HTML, every value escaped, one form whose "Place order" button
// posts back to the token URL.
import type { Json } from './state.js'

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * escapeHtml('<b title="x">Tom & Jerry\'s</b>') // '&lt;b title=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;'
 */
export function escapeHtml(text: unknown): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** The Content-Security-Policy of every page the emulator serves: no script at all. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:; form-action 'self' http: https:; base-uri 'none'; frame-ancestors 'none'"

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
table{width:100%;border-collapse:collapse;margin:1rem 0}td,th{padding:.4rem;border-bottom:1px solid #ddd;text-align:left}
td.num,th.num{text-align:right}label{display:block;margin:.5rem 0}input{width:100%;padding:.4rem;font:inherit}
button{margin-top:1rem;padding:.7rem 1.5rem;font:inherit;font-weight:600;background:#1a1a1a;color:#fff;border:0;border-radius:4px}
.note{color:#666;font-size:.9rem}`

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`
}

/** What the page shows: the order as Flow stores it and the form's starting values. */
export type CheckoutPageModel = {
  organizationName: string
  order: Json
  action: string
  continueShopping?: string
  customer: { email: string; first: string; last: string; phone: string; street: string; city: string; postal: string }
}

/**
 * The checkout page for an open order: its lines and prices, the shopper's details and a
 * "Place order" button.
 *
 * @example
 * renderCheckoutPage({ organizationName: 'Demo Store', order, action: '/tokens/ctk-1', customer }) // '<!doctype html>…'
 */
export function renderCheckoutPage(model: CheckoutPageModel): string {
  const order = model.order
  const items = (order.items ?? []) as Json[]
  const lines = (order.lines ?? []) as Json[]
  const rows = items
    .map((item, i) => {
      const line = lines[i] ?? {}
      return `<tr><td>${escapeHtml(item.name)}<br><span class="note">${escapeHtml(item.number)}</span></td>` +
        `<td class="num">${escapeHtml(item.quantity)}</td>` +
        `<td class="num">${escapeHtml((line.price as Json | undefined)?.label)}</td>` +
        `<td class="num">${escapeHtml((line.total as Json | undefined)?.label)}</td></tr>`
    })
    .join('\n')
  const prices = ((order.prices ?? []) as Json[])
    .map((p) => `<tr><td colspan="3">${escapeHtml(p.name ?? p.key)}</td><td class="num">${escapeHtml(p.label)}</td></tr>`)
    .join('\n')
  const total = order.total as Json
  const c = model.customer
  const field = (name: string, label: string, value: string, type = 'text') =>
    `<label>${escapeHtml(label)} <input name="${name}" type="${type}" value="${escapeHtml(value)}" maxlength="200"></label>`
  const back = model.continueShopping
    ? `<p><a href="${escapeHtml(model.continueShopping)}">Continue shopping</a></p>`
    : ''
  return layout(
    `Checkout — ${model.organizationName}`,
    `<h1>Checkout</h1>
<p class="note">${escapeHtml(model.organizationName)} · order ${escapeHtml(order.number)} · Flow API emulator</p>
<table>
<thead><tr><th>Item</th><th class="num">Qty</th><th class="num">Price</th><th class="num">Total</th></tr></thead>
<tbody>
${rows}
${prices}
<tr><th colspan="3">Total</th><th class="num">${escapeHtml(total.label)}</th></tr>
</tbody>
</table>
<form method="post" action="${escapeHtml(model.action)}">
${field('email', 'Email', c.email, 'email')}
${field('first', 'First name', c.first)}
${field('last', 'Last name', c.last)}
${field('phone', 'Phone', c.phone)}
${field('street', 'Street', c.street)}
${field('city', 'City', c.city)}
${field('postal', 'Postal code', c.postal)}
<p class="note">Paid with the emulator's test card (VISA ending 1111); it always authorizes.</p>
<button type="submit">Place order</button>
</form>
${back}`,
  )
}

/**
 * A short page with a heading and a message (order placed, checkout expired, not found).
 *
 * @example
 * renderMessagePage('Order placed', 'Your order ord-1 is confirmed.') // '<!doctype html>…'
 */
export function renderMessagePage(title: string, message: string, link?: { href: string; text: string }): string {
  const a = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : ''
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>\n${a}`)
}
