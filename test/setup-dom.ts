// Runs before every DOM test file (vitest "dom" project, happy-dom).
import { afterEach } from 'vitest'

afterEach(() => {
  // Each test starts from an empty page: no leftover nodes, classes or attributes.
  document.body.replaceChildren()
  document.body.removeAttribute('class')
  document.head.replaceChildren()
})
