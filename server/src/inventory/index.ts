// Inventory sync: the default center key, the inventory queue and its processor.
export { CENTER_KEY_SETTING, defaultCenterKey, fetchCenterKeys } from './centers.js'
export {
  INVENTORY_MIGRATIONS,
  claimInventoryBatch,
  cleanupInventoryQueue,
  enqueueInventory,
  inventoryBacklog,
  inventoryIdempotencyKey,
  inventoryQueueStats,
  listInventoryRows,
  renewInventoryLeases,
  requeueInventory,
  settleInventoryRow,
} from './queue.js'
export type { ClaimedStock, InventoryStatus, InventorySyncRow, StockLevel } from './queue.js'
export { enqueueAllInventory, processInventoryQueue } from './sync.js'
export type { InventoryClient, InventorySyncOptions, InventorySyncReport } from './sync.js'
