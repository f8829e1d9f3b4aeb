import type { EmulatorContext } from '../context.js'
import type { Route } from '../http.js'
import { adminRoutes } from './admin.js'
import { catalogRoutes } from './catalog.js'
import { centerRoutes } from './centers.js'
import { checkoutRoutes } from './checkout.js'
import { experienceRoutes } from './experiences.js'
import { localizedItemRoutes } from './localized-items.js'
import { orderEstimateRoutes } from './order-estimates.js'
import { orderRoutes } from './orders.js'
import { referenceRoutes } from './reference.js'
import { sessionRoutes } from './sessions.js'
import { webhookRoutes } from './webhooks.js'

/** Every route of the emulator: the spec's 49 operations, the three extra calls, the checkout page and the admin API. */
export const routes: Route<EmulatorContext>[] = [
  ...sessionRoutes,
  ...experienceRoutes,
  ...localizedItemRoutes,
  ...catalogRoutes,
  ...orderEstimateRoutes,
  ...checkoutRoutes,
  ...orderRoutes,
  ...webhookRoutes,
  ...centerRoutes,
  ...referenceRoutes,
  ...adminRoutes,
]
