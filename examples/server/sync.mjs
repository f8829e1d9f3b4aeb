#!/usr/bin/env node
// Catalog sync and price documents from code, against an emulator with an empty catalog:
//   node examples/server/sync.mjs
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CATALOG_QUEUE_MIGRATIONS, PRODUCT_STORE_MIGRATIONS, buildPriceDocuments, createFileProductSource, createFlowClient,
  enqueueAllCatalog, openDb, processCatalogQueue, startEmulator, syncedSkus, writePriceDocuments,
} from 'flow-storefront-server'

const emulator = await startEmulator({ port: 0 })
const client = createFlowClient({ organization: 'demo', apiKey: emulator.apiKey, baseUrl: emulator.url })
const db = openDb(':memory:', [...PRODUCT_STORE_MIGRATIONS, ...CATALOG_QUEUE_MIGRATIONS])
const source = createFileProductSource(new URL('../demo/catalog.ndjson', import.meta.url).pathname)

const queued = await enqueueAllCatalog(db, 'demo', source)
const report = await processCatalogQueue({ db, client, source })
const out = mkdtempSync(join(tmpdir(), 'prices-'))
const built = await buildPriceDocuments({ client, skus: syncedSkus(db, 'demo'), experience: 'japan' })
await writePriceDocuments(built.map((b) => b.document), out)
console.log(`queued ${queued.queued}, sent ${report.put}, failed ${report.failed}; price documents in ${out}`)
await emulator.close()
