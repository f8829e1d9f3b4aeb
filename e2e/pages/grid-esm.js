// The ESM variant of the grid page: the application imports the SDK and starts it itself.
import { configure, localizePrices, observePrices } from '/dist/esm/index.js'

configure({ organization: 'demo', apiUrl: new URL(import.meta.url).searchParams.get('api') })
await localizePrices()
observePrices()
