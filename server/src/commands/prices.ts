// `prices-build`: the per-experience price documents for pages and CDNs.
import { syncedSkus } from '../catalog/index.js'
import { buildPriceDocuments, writePriceDocuments } from '../prices/index.js'
import type { Command } from './shared.js'
import { defineCommand, intFlag, output } from './shared.js'

const pricesBuild = defineCommand({
  name: 'prices-build',
  summary: 'Write one localized price JSON per experience (every synced SKU) for a CDN.',
  usage: '[--experience KEY] [--out DIR] [--ttl SECONDS]',
  description: `Builds the price document of every active experience (or of KEY) for every SKU synced to Flow,
from Flow's localized items, and writes DIR/<experience key>.json plus DIR/index.json, each
atomically (a temporary file renamed into place).`,
  flagHelp: `  --experience KEY   only this experience
  --out DIR          where to write (default ./prices)
  --ttl SECONDS      how long a document is fresh: its expires_at (default 3600)`,
  flags: { experience: { type: 'string' }, out: { type: 'string' }, ttl: { type: 'string' } },
  needs: 'flow',
  async run(ctx) {
    const skus = syncedSkus(ctx.db(), ctx.config.organization)
    const dir = typeof ctx.values.out === 'string' ? ctx.values.out : 'prices'
    const ttlMs = intFlag(ctx.values, 'ttl', 3600, 1, 31_536_000) * 1000
    const bar = ctx.progress('prices')
    const built = await buildPriceDocuments({
      client: ctx.client(),
      skus,
      ttlMs,
      ...(typeof ctx.values.experience === 'string' ? { experience: ctx.values.experience } : {}),
      onProgress: (p) => bar.update(p.processed, p.total, p.experience),
    })
    bar.done()
    const files = await writePriceDocuments(built.map((b) => b.document), dir)
    const summary = built.map((b) => ({ experience: b.document.experience.key, items: Object.keys(b.document.items).length, missing: b.missing.length, dropped: b.dropped }))
    output(ctx, { ok: true, skus: skus.length, files, experiences: summary }, [
      ...summary.map((s) => `${s.experience}: ${s.items} items${s.missing > 0 ? ` (${s.missing} not sold there)` : ''}`),
      `Wrote ${files.length} files to ${dir} for ${skus.length} synced SKUs.`,
    ])
    return 0
  },
})

/** The prices command. */
export const pricesCommands: Command[] = [pricesBuild]
