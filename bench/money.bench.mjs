// Money: the SDK's exact formatter and allocator against the platform's own tools, same run.
import { allocate, formatMoney, toMinor } from '../dist/esm/index.js'
import { opsPerSecond, printTable } from './lib.mjs'

const intl = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' })
const format = opsPerSecond((i) => formatMoney(123456 + i, 'EUR', { locale: 'de-DE' }))
const formatIntl = opsPerSecond((i) => intl.format((123456 + i) / 100))
const parse = opsPerSecond((i) => toMinor(`${i}.005`, 'USD'))
const parseFloatBaseline = opsPerSecond((i) => Math.round(Number(`${i}.005`) * 100))
const weights = [3, 1, 4, 1, 5, 9, 2, 6]
const split = opsPerSecond((i) => allocate(10_000 + i, weights))
const naive = opsPerSecond((i) => weights.map((w) => Math.round(((10_000 + i) * w) / 31)))

printTable('money (ops per second, higher is better; ratio = SDK / baseline)', [
  { name: 'formatMoney EUR de-DE vs Intl.NumberFormat', value: format, baseline: formatIntl, ratio: format / formatIntl, unit: 'op/s' },
  { name: 'toMinor exact vs float Math.round', value: parse, baseline: parseFloatBaseline, ratio: parse / parseFloatBaseline, unit: 'op/s' },
  { name: 'allocate 8 lines vs naive rounding', value: split, baseline: naive, ratio: split / naive, unit: 'op/s' },
])
