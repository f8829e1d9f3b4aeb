#!/usr/bin/env node
// Fails when browser code can turn a string into markup or code: API strings must reach the page
// through textContent and attributes only (RELIABILITY.md "Text only"). Reads the TypeScript AST of
// every non-test file in src/, so comments and strings that merely mention a sink do not count.
//
//   node scripts/check-sinks.mjs [dir]     exit 1 and one line per finding when a sink is used
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

const MARKUP_PROPERTIES = new Set(['innerHTML', 'outerHTML', 'insertAdjacentHTML'])
const TIMERS = new Set(['setTimeout', 'setInterval'])

/** Every sink in one file's source, as `line: what`. */
export function findSinks(fileName, source) {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true)
  const found = []
  const report = (node, what) => {
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file))
    found.push(`${line + 1}: ${what}`)
  }
  const nameOf = (node) =>
    ts.isPropertyAccessExpression(node)
      ? node.name.text
      : ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)
        ? node.argumentExpression.text
        : ts.isIdentifier(node)
          ? node.text
          : undefined
  const visit = (node) => {
    if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && MARKUP_PROPERTIES.has(nameOf(node))) {
      report(node, nameOf(node))
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression
      const name = nameOf(callee)
      if (name === 'eval') report(node, 'eval')
      if ((name === 'write' || name === 'writeln') && ts.isPropertyAccessExpression(callee) && nameOf(callee.expression) === 'document') {
        report(node, `document.${name}`)
      }
      if (name === 'Function') report(node, 'Function()')
      const first = node.arguments[0]
      if (TIMERS.has(name) && first && (ts.isStringLiteralLike(first) || ts.isTemplateExpression(first) || ts.isBinaryExpression(first))) {
        report(node, `${name} with a string`)
      }
    }
    if (ts.isNewExpression(node) && nameOf(node.expression) === 'Function') report(node, 'new Function')
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* sourceFiles(path)
    else if (/\.(ts|js|mjs)$/.test(entry.name) && !/\.test\.ts$|\.d\.ts$/.test(entry.name)) yield path
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? 'src'
  let count = 0
  for (const path of sourceFiles(root)) {
    for (const finding of findSinks(path, readFileSync(path, 'utf8'))) {
      console.error(`${relative(process.cwd(), path)}:${finding} — use textContent or attributes instead`)
      count++
    }
  }
  if (count > 0) {
    console.error(`check-sinks: ${count} unsafe sink(s) in ${root}/`)
    process.exit(1)
  }
  console.log(`check-sinks: no markup or code sinks in ${root}/`)
}
