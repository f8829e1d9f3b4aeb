#!/usr/bin/env node
// Writes the no-flicker head snippet as a file of its own (dist/flow-storefront.head.js), from the
// same string the package exports as HEAD_SNIPPET, so a theme can inline either.
import { writeFileSync } from 'node:fs'
import { HEAD_SNIPPET } from '../dist/esm/price/head-snippet.js'

writeFileSync(new URL('../dist/flow-storefront.head.js', import.meta.url), `${HEAD_SNIPPET}\n`)
