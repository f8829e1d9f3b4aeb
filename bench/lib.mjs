// A minimal benchmark harness: each case runs against a baseline measured in the same process,
// and the table reports the ratio. Benchmarks print; they never fail on speed.
import { performance } from 'node:perf_hooks'

/** Operations per second of `fn`, after a warm-up, over at least `minMs` milliseconds. */
export function opsPerSecond(fn, { minMs = 300 } = {}) {
  for (let i = 0; i < 1000; i++) fn(i)
  let runs = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < minMs) {
    for (let i = 0; i < 1000; i++) fn(runs + i)
    runs += 1000
    elapsed = performance.now() - start
  }
  return (runs / elapsed) * 1000
}

/** Prints rows `{ name, value, unit, baseline?, ratio?, goal? }` as an aligned table. */
export function printTable(title, rows) {
  const cells = rows.map((row) => [
    row.name,
    `${format(row.value)} ${row.unit}`,
    row.baseline === undefined ? '' : `${format(row.baseline)} ${row.unit}`,
    row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}×`,
    row.goal ?? '',
  ])
  const header = ['case', 'value', 'baseline', 'ratio', 'goal']
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const line = (c) => c.map((v, i) => v.padEnd(widths[i])).join('  ')
  console.log(`\n${title}`)
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const c of cells) console.log(line(c))
}

function format(value) {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2)
}
