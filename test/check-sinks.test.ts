import { describe, expect, it } from 'vitest'
import { findSinks } from '../scripts/check-sinks.mjs'

const sinks = (source: string): string[] => findSinks('x.ts', source)

describe('check-sinks', () => {
  it('finds every markup and code sink', () => {
    const source = [
      'el.innerHTML = label',
      "el['outerHTML'] = label",
      "el.insertAdjacentHTML('beforeend', label)",
      'document.write(label)',
      'eval(code)',
      'new Function(code)',
      'Function(code)()',
      "setTimeout('run()', 10)",
      'setInterval(`tick()`, 10)',
    ].join('\n')
    expect(sinks(source)).toEqual([
      '1: innerHTML',
      '2: outerHTML',
      '3: insertAdjacentHTML',
      '4: document.write',
      '5: eval',
      '6: new Function',
      '7: Function()',
      '8: setTimeout with a string',
      '9: setInterval with a string',
    ])
  })

  it('accepts text sinks, function timers and mere mentions in comments or strings', () => {
    const source = [
      '// never use innerHTML here',
      'el.textContent = label',
      "el.setAttribute('aria-label', label)",
      'setTimeout(() => run(), 10)',
      "const doc = 'innerHTML is banned'",
    ].join('\n')
    expect(sinks(source)).toEqual([])
  })
})
