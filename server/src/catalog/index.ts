// Catalog sync: product sources, the platform-neutral product, product → item_form mapping, the
// SQLite sync queue and its processor, and Flow's price attribute definitions.
export { PRICE_ATTRIBUTE_KEYS, priceAttributeForm, savePriceAttributes } from './attributes.js'
export type { AttributesReport } from './attributes.js'
export { createGroupCommit, prepared } from './commit.js'
export type { GroupCommit } from './commit.js'
export { formatAmount, priceAttributeKey, toItemForm } from './mapping.js'
export type { MappingOptions, MappingResult } from './mapping.js'
export { isTransient, retryDelay } from './retry.js'
export { isConfigurable, linkFamilies } from './product.js'
export type { Product, ProductImage, ProductOption } from './product.js'
export {
  CATALOG_QUEUE_MIGRATIONS,
  catalogBacklog,
  catalogQueueStats,
  claimCatalogBatch,
  cleanupCatalogQueue,
  completeCatalogRow,
  enqueueCatalog,
  failCatalogRow,
  listCatalogRows,
  renewCatalogLeases,
  requeueCatalog,
  syncedSkus,
} from './queue.js'
export type { CatalogSyncRow, ClaimedRow, EnqueueOutcome, QueueStats, SyncResult, SyncStatus } from './queue.js'
export { createFileProductSource, createProductSource, loadProductFile, parseProductCsv, parseProducts, productFileFormat } from './sources.js'
export type { LoadedProducts, ProductFileFormat, ProductSource, SourceProblem } from './sources.js'
export { checkSpecType, ITEM_FORM_SPEC } from './spec-check.js'
export { PRODUCT_STORE_MIGRATIONS, createStoredProductSource, removeProducts, saveProducts, storedSkus } from './store.js'
export type { SaveOutcome } from './store.js'
export { enqueueAllCatalog, processCatalogBatch, processCatalogQueue } from './sync.js'
export type { CatalogClient, CatalogProgress, CatalogSyncOptions, CatalogSyncReport, ProductSyncEvent } from './sync.js'

import { CATALOG_QUEUE_MIGRATIONS } from './queue.js'
import { PRODUCT_STORE_MIGRATIONS } from './store.js'

/** Every migration of the catalog feature (queue and product store), for `openDb`. */
export const CATALOG_MIGRATIONS = [...CATALOG_QUEUE_MIGRATIONS, ...PRODUCT_STORE_MIGRATIONS]
