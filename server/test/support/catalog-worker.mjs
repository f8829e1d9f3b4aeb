// A catalog sync worker in its own process, for the kill -9 test: processes the queue of the
// stored products until empty. Usage: node catalog-worker.mjs <transpiled src> <db> <api url> <organization> <api key>
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [root, dbPath, baseUrl, organization, apiKey] = process.argv.slice(2)
const load = (path) => import(pathToFileURL(join(root, path)).href)
const { CATALOG_MIGRATIONS, createStoredProductSource, processCatalogQueue } = await load('catalog/index.js')
const { createFlowClient } = await load('client/index.js')
const { openDb } = await load('store/sqlite.js')

const db = openDb(dbPath, CATALOG_MIGRATIONS)
const client = createFlowClient({ organization, apiKey, baseUrl })
const report = await processCatalogQueue({ db, client, source: createStoredProductSource(db, organization), worker: `child-${process.pid}` })
process.stdout.write(`${JSON.stringify(report)}\n`)
db.close()
