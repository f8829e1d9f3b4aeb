// The default center: where inventory updates say the stock is. As the connector does
// (connector-behaviour.md §2.4): the first center Flow lists that has a key, kept in the store.
import type { FlowClient } from '../client/index.js'
import { getSetting, setSetting } from '../store/settings.js'
import type { Db } from '../store/sqlite.js'

/** The settings key under which the default center key is kept. */
export const CENTER_KEY_SETTING = 'default_center_key'

/**
 * Reads Flow's centers (every page), keeps the first center's key as the organization's default,
 * and returns it with all the keys seen. Throws when Flow has no center.
 *
 * @example
 * await fetchCenterKeys(flow, db) // { key: 'demo-warehouse', keys: ['demo-warehouse'] }
 */
export async function fetchCenterKeys(client: Pick<FlowClient, 'organization' | 'listAllCenters'>, db: Db): Promise<{ key: string; keys: string[] }> {
  const keys = (await client.listAllCenters()).map((center) => center.key).filter((key): key is string => typeof key === 'string' && key !== '')
  const key = keys[0]
  if (key === undefined) {
    throw new Error(`fetchCenterKeys(): organization '${client.organization}' has no center in Flow. Create one (Flow console → Logistics → Centers), then run this again.`)
  }
  setSetting(db, client.organization, CENTER_KEY_SETTING, key)
  return { key, keys }
}

/**
 * The stored default center key of an organization, or undefined before the first fetch.
 *
 * @example
 * defaultCenterKey(db, 'demo') // 'demo-warehouse'
 */
export function defaultCenterKey(db: Db, organization: string): string | undefined {
  return getSetting(db, organization, CENTER_KEY_SETTING)
}
