// The README's examples run: every `expression // result` line of a code block marked
// `<!-- doctest -->` is evaluated against the SDK and must give that result.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as sdk from '../src/index.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const blocks = [...readme.matchAll(/<!-- doctest[^>]*-->\s*```js\n([\s\S]*?)```/g)].map((match) => match[1] ?? '')
const examples = blocks.flatMap((block) =>
  block
    .split('\n')
    .map((line) => /^(?!import)(.+?)\s+\/\/\s*(.+?)(?::.*)?$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ expression: match[1]!.trim(), expected: match[2]!.trim() })),
)

describe('README examples', () => {
  it('has doctest examples to run', () => {
    expect(examples.length).toBeGreaterThan(3)
  })

  it.each(examples)('$expression → $expected', ({ expression, expected }) => {
    const names = Object.keys(sdk)
    const run = new Function(...names, `return (${expression})`)
    const actual = run(...names.map((name) => (sdk as Record<string, unknown>)[name]))
    // Results are written as JavaScript literals: single-quoted strings, numbers, arrays.
    expect(actual).toEqual(new Function(`return (${expected})`)())
  })
})
