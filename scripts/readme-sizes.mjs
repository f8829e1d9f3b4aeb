#!/usr/bin/env node
// Keeps the README's size table true: it is rendered from size-limit's measurements of dist/.
//   node scripts/readme-sizes.mjs          check: exit 1 when the README's table has drifted
//   node scripts/readme-sizes.mjs --write  rewrite the table between its markers
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'

const README = new URL('../README.md', import.meta.url)
const START = '<!-- sizes:start (scripts/readme-sizes.mjs) -->'
const END = '<!-- sizes:end -->'

const measured = JSON.parse(execFileSync('npx', ['size-limit', '--json'], { encoding: 'utf8' }))
const rows = measured.map((entry) => `| ${entry.name} | ${entry.size.toLocaleString('en-US')} B | ${entry.sizeLimit.toLocaleString('en-US')} B |`)
const table = [START, '| what a page loads | gzip | budget |', '|---|---:|---:|', ...rows, END].join('\n')

const readme = readFileSync(README, 'utf8')
const from = readme.indexOf(START)
const to = readme.indexOf(END)
if (from < 0 || to < 0) {
  console.error(`readme-sizes: README.md has no ${START} … ${END} markers`)
  process.exit(1)
}
const current = readme.slice(from, to + END.length)
if (process.argv.includes('--write')) {
  writeFileSync(README, readme.slice(0, from) + table + readme.slice(to + END.length))
  console.log('readme-sizes: README.md updated')
} else if (current !== table) {
  console.error('readme-sizes: the size table in README.md differs from what size-limit measures now:')
  console.error(table)
  console.error('Run `node scripts/readme-sizes.mjs --write` and commit the README.')
  process.exit(1)
} else {
  console.log('readme-sizes: README.md sizes match the build')
}
