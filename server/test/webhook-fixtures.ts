// Factories for webhook payloads in the shape Flow sends them (see
// ../shared/flow-api/fixtures/webhooks for real ones; these are the project's own, with made-up
// values). Each factory returns a fresh object; pass overrides for what a test cares about.
import { signWebhookBody } from '../src/webhooks/signature.js'

type Json = Record<string, unknown>

export const TEST_SECRET = 'test-secret-0123456789abcdef'

/** The same order for every factory unless overridden. */
export const ORDER = 'ord-5f1c0a7e2d9b4c8e9a1b2c3d4e5f6a7b'
export const AUTHORIZATION = 'aut-Q2w3E4r5T6y7U8i9O0p1A2s3D4f5G6h7'

const money = (amount: number, currency: string, base: number) => ({
  amount,
  currency,
  label: `${currency} ${amount.toFixed(2)}`,
  base: { amount: base, currency: 'USD', label: `US$${base.toFixed(2)}` },
})

export function makeOrderPlaced(options: { eventId?: string; timestamp?: string; number?: string; authorization?: string; email?: string } = {}): Json {
  const number = options.number ?? ORDER
  const authorization = options.authorization ?? AUTHORIZATION
  const email = options.email ?? 'ana.silva@example.com'
  return {
    event_id: options.eventId ?? 'evt-placed-0001',
    timestamp: options.timestamp ?? '2024-05-01T10:00:05.000Z',
    organization: 'demo',
    order_number: number,
    order: {
      id: 'ior-0001',
      number,
      customer: { name: { first: 'Ana', last: 'Silva' }, phone: '+55 21 5555-0100', email, number: 'cus-42' },
      delivered_duty: 'paid',
      destination: {
        streets: ['Rua das Flores 10', 'Apto 3'],
        city: 'Rio de Janeiro',
        province: 'RJ',
        postal: '20000-000',
        country: 'BRA',
        contact: { name: { first: 'Ana', last: 'Silva' }, email, phone: '+55 21 5555-0100' },
      },
      expires_at: '2024-05-01T11:00:00.000Z',
      items: [
        {
          number: 'SKU-TEE',
          name: 'Tee',
          quantity: 2,
          local: {
            experience: { id: 'exp-1', key: 'brazil', name: 'Brazil' },
            prices: [{ key: 'localized_item_price', ...money(100, 'BRL', 20) }],
            rates: [],
            spot_rates: [],
            status: 'included',
            attributes: {},
          },
          attributes: { options: '{"size":"M"}' },
        },
        {
          number: 'SKU-CAP',
          name: 'Cap',
          quantity: 1,
          local: {
            experience: { id: 'exp-1', key: 'brazil', name: 'Brazil' },
            prices: [{ key: 'localized_item_price', ...money(50, 'BRL', 10) }],
            rates: [],
            spot_rates: [],
            status: 'included',
            attributes: {},
          },
          discount: { ...money(5, 'BRL', 1), discount_label: 'Discount' },
        },
      ],
      deliveries: [
        {
          discriminator: 'physical_delivery',
          id: 'del-1',
          items: [{ number: 'SKU-TEE', quantity: 2 }],
          options: [{ id: 'opt-1', cost: money(25, 'BRL', 5), price: money(25, 'BRL', 5) }],
        },
      ],
      selections: ['opt-1'],
      prices: [
        {
          key: 'subtotal',
          name: 'Item subtotal',
          ...money(250, 'BRL', 50),
          components: [
            { key: 'item_price', name: 'Item price', ...money(180.5, 'BRL', 36.1) },
            { key: 'vat_item_price', name: 'ICMS on item price', ...money(40.3, 'BRL', 8.06) },
            { key: 'duties_item_price', name: 'Duties on item price', ...money(29.2, 'BRL', 5.84) },
          ],
        },
        { key: 'shipping', name: 'Shipping', ...money(25, 'BRL', 5), components: [{ key: 'shipping', ...money(25, 'BRL', 5) }] },
        { key: 'discount', name: 'Discount', ...money(-5, 'BRL', -1), components: [{ key: 'order_discount', ...money(-5, 'BRL', -1) }] },
      ],
      total: money(270, 'BRL', 54),
      attributes: { quote_id: '77', customer_id: '42' },
      experience: { key: 'brazil', discriminator: 'experience_reference' },
      submitted_at: '2024-05-01T10:00:00.000Z',
      lines: [
        { item_number: 'SKU-TEE', quantity: 2, price: money(100, 'BRL', 20), total: money(200, 'BRL', 40) },
        { item_number: 'SKU-CAP', quantity: 1, price: money(50, 'BRL', 10), total: money(50, 'BRL', 10) },
      ],
      payments: [
        {
          id: 'opm-1',
          type: 'card',
          merchant_of_record: 'flow',
          reference: authorization,
          description: 'VISA 1111',
          total: money(270, 'BRL', 54),
          address: { name: { first: 'Ana', last: 'Silva' }, streets: ['Av. Atlântica 99'], city: 'Rio de Janeiro', province: 'RJ', postal: '22000-000', country: 'BRA' },
          date: '2024-05-01T10:00:00.000Z',
        },
      ],
    },
    allocation: {
      id: 'alo-1',
      order: { id: 'ior-0001', number, submitted_at: '2024-05-01T10:00:00.000Z' },
      details: [
        {
          discriminator: 'allocation_line_detail',
          number: 'SKU-TEE',
          quantity: 2,
          key: 'subtotal',
          price: money(100, 'BRL', 20),
          total: money(200, 'BRL', 40),
          included: [{ discriminator: 'allocation_detail_component', key: 'item_price', total: money(144.4, 'BRL', 28.88), price: money(72.2, 'BRL', 14.44) }],
          not_included: [],
        },
      ],
      total: money(270, 'BRL', 54),
    },
    discriminator: 'order_placed',
  }
}

export function makeCardAuthorization(options: { eventId?: string; timestamp?: string; status?: string; order?: string | null; id?: string } = {}): Json {
  const id = options.id ?? AUTHORIZATION
  return {
    event_id: options.eventId ?? 'evt-auth-0001',
    timestamp: options.timestamp ?? '2024-05-01T10:00:03.000Z',
    organization: 'demo',
    id,
    authorization: {
      id,
      key: id,
      merchant_of_record: 'flow',
      card: { id: 'crd-1', token: 'tok', type: 'visa', expiration: { month: 12, year: 2030 }, iin: '411111', last4: '1111', name: 'Ana Silva', discriminator: 'card' },
      amount: 270,
      currency: 'BRL',
      customer: { name: { first: 'Ana', last: 'Silva' }, email: 'ana.silva@example.com' },
      attributes: {},
      result: { status: options.status ?? 'authorized' },
      created_at: '2024-05-01T10:00:01.000Z',
      method: { id: 'visa', type: 'card', name: 'VISA' },
      ...(options.order === null ? {} : { order: { number: options.order ?? ORDER } }),
      base: { amount: 54, currency: 'USD' },
    },
    discriminator: 'card_authorization_upserted_v2',
  }
}

export function makeOnlineAuthorization(options: { eventId?: string; timestamp?: string; status?: string; id?: string; order?: string } = {}): Json {
  const id = options.id ?? 'aut-online-0001'
  return {
    event_id: options.eventId ?? 'evt-online-0001',
    timestamp: options.timestamp ?? '2024-05-01T10:00:04.000Z',
    organization: 'demo',
    id,
    authorization: {
      id,
      key: id,
      amount: 270,
      currency: 'BRL',
      customer: { name: { first: 'Ana', last: 'Silva' } },
      attributes: {},
      result: { status: options.status ?? 'authorized' },
      created_at: '2024-05-01T10:00:01.000Z',
      method: { id: 'paypal', type: 'online', name: 'PayPal' },
      payment: { id: 'pmt-1' },
      order: { number: options.order ?? ORDER },
    },
    discriminator: 'online_authorization_upserted_v2',
  }
}

export function makeFraudStatusChanged(options: { eventId?: string; timestamp?: string; status?: string; order?: string } = {}): Json {
  return {
    event_id: options.eventId ?? 'evt-fraud-0001',
    timestamp: options.timestamp ?? '2024-05-01T10:00:02.000Z',
    id: 'frd-1',
    organization: 'demo',
    order: { id: 'ior-0001', number: options.order ?? ORDER },
    status: options.status ?? 'approved',
    discriminator: 'fraud_status_changed',
  }
}

export function makeCapture(options: { eventId?: string; timestamp?: string; id?: string; amount?: number; order?: string | null; authorization?: string } = {}): Json {
  const id = options.id ?? 'cap-0001'
  const authorization = options.authorization ?? AUTHORIZATION
  return {
    event_id: options.eventId ?? 'evt-capture-0001',
    timestamp: options.timestamp ?? '2024-05-01T10:05:00.000Z',
    organization: 'demo',
    id,
    capture: {
      id,
      key: id,
      authorization: { id: authorization, key: authorization, ...(options.order === null ? {} : { order: { number: options.order ?? ORDER } }) },
      amount: options.amount ?? 270,
      currency: 'BRL',
      created_at: '2024-05-01T10:05:00.000Z',
      status: 'succeeded',
      requested: { amount: options.amount ?? 270, currency: 'BRL' },
      attributes: {},
      base: { amount: ((options.amount ?? 270) * 54) / 270, currency: 'USD' },
    },
    discriminator: 'capture_upserted_v2',
  }
}

export function makeLabel(options: { eventId?: string; timestamp?: string; id?: string; order?: string } = {}): Json {
  return {
    event_id: options.eventId ?? 'evt-label-0001',
    timestamp: options.timestamp ?? '2024-05-01T09:59:00.000Z',
    organization: 'demo',
    label_id: options.id ?? 'lab-0001',
    carrier_tracking_number: 'DHL123',
    commercial_invoice: 'https://labels.example/ci.pdf',
    flow_tracking_number: 'FLOW123',
    destination: { contact: { name: { first: 'Ana', last: 'Silva' } }, location: { streets: ['Rua das Flores 10'], city: 'Rio de Janeiro', country: 'BRA' } },
    origin: { contact: { name: { first: 'Ware', last: 'House' } }, location: { streets: ['1 Dock St'], city: 'Columbus', country: 'USA' } },
    carrier: 'dhl',
    service: 'dhl-express-worldwide',
    order: options.order ?? ORDER,
    carrier_tracking_number_url: 'https://track.example/DHL123',
    flow_tracking_number_url: 'https://track.example/FLOW123',
    center_key: 'main',
    recipient: 'customer',
    discriminator: 'label_upserted',
  }
}

export function makeRefundCapture(options: { eventId?: string; timestamp?: string; id?: string; amount?: number; authorization?: string; status?: string } = {}): Json {
  const id = options.id ?? 'rfc-0001'
  const authorization = options.authorization ?? AUTHORIZATION
  const amount = options.amount ?? 50
  return {
    event_id: options.eventId ?? 'evt-refund-0001',
    timestamp: options.timestamp ?? '2024-05-01T12:00:00.000Z',
    organization: 'demo',
    id,
    refund_capture: {
      id,
      refund: {
        id: 'ref-1',
        key: 'ref-1',
        authorization: { id: authorization, key: authorization },
        amount,
        currency: 'BRL',
        captures: [],
        created_at: '2024-05-01T12:00:00.000Z',
        status: 'succeeded',
        base: { amount: amount / 5, currency: 'USD' },
      },
      capture: { id: 'cap-0001', key: 'cap-0001', authorization: { id: authorization, key: authorization }, amount: 270, currency: 'BRL', created_at: '2024-05-01T10:05:00.000Z' },
      amount,
      currency: 'BRL',
      base: { amount: amount / 5, currency: 'USD' },
      status: options.status ?? 'succeeded',
    },
    discriminator: 'refund_capture_upserted_v2',
  }
}

/** Serializes and signs a payload the way Flow does. */
export function signed(payload: unknown, secret = TEST_SECRET): { body: Buffer; signature: string } {
  const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload))
  return { body, signature: signWebhookBody(secret, body) }
}
