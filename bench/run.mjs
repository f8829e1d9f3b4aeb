#!/usr/bin/env node
// `npm run bench`: builds, then runs every bench/*.bench.mjs in its own process and prints tables.
// Benchmarks report ratios against a baseline measured in the same run; they never fail on speed.
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const only = process.argv[2]
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' })
for (const file of readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.bench.mjs')).sort()) {
  if (only && !file.includes(only)) continue
  execFileSync(process.execPath, ['--expose-gc', fileURLToPath(new URL(file, import.meta.url))], { cwd: root, stdio: 'inherit' })
}
