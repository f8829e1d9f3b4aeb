// Runs server code in a child process without a build: transpiles (no type check) the folders a
// child needs into node_modules/.cache, where Node still resolves the repo's dependencies
// (better-sqlite3). Content-addressed, so an unchanged tree is reused.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const serverSrc = fileURLToPath(new URL('../../src/', import.meta.url))
const serverData = fileURLToPath(new URL('../../data', import.meta.url))
// The DOM-free browser modules the server may import, transpiled alongside: package subpath →
// the files it needs (the first is the one the subpath names), relative to the SDK's src/.
const browserSrc = fileURLToPath(new URL('../../../src/', import.meta.url))
const SDK_MODULES: Record<string, string[]> = {
  'flow-storefront/money': ['core/money.ts', 'core/currency-data.ts'],
  'flow-storefront/price-document': ['price/document.ts'],
}
const SDK_FILES = [...new Set(Object.values(SDK_MODULES).flat())]
const cacheRoot = fileURLToPath(new URL('../../../node_modules/.cache/flow-storefront-server-test/', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

/**
 * Transpiles `server/src/<folder>` for each folder (and the top-level files named in `files`)
 * to ESM JavaScript and returns the directory that mirrors `server/src` (with `../data` linked to
 * `server/data`, as in the package, and `flow-storefront/money` and `flow-storefront/price-document`
 * pointed at transpiled copies of the SDK's files, so no build of the SDK is needed either).
 *
 * @example
 * const root = transpileServer(['catalog', 'client', 'store'])
 * // spawn(process.execPath, [join(root, 'my-child.mjs')])
 */
export function transpileServer(folders: readonly string[], files: readonly string[] = []): string {
  const inputs = [...folders.flatMap((folder) => sources(join(serverSrc, folder))), ...files.map((file) => join(serverSrc, file))].sort()
  const hash = createHash('sha256')
  for (const input of inputs) hash.update(relative(serverSrc, input)).update('\0').update(readFileSync(input)).update('\0')
  for (const name of SDK_FILES) hash.update(readFileSync(join(browserSrc, name)))
  const out = join(cacheRoot, hash.digest('hex').slice(0, 16))
  if (existsSync(join(out, 'src', 'package.json'))) return join(out, 'src')
  const staging = `${out}.${process.pid}.tmp`
  rmSync(staging, { recursive: true, force: true })
  const emit = (input: string, target: string) => {
    let { outputText } = ts.transpileModule(readFileSync(input, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: input,
    })
    for (const [subpath, [main]] of Object.entries(SDK_MODULES)) {
      const file = relative(dirname(target), join(staging, 'sdk', main!.replace(/\.ts$/, '.js'))).split('\\').join('/')
      outputText = outputText.replaceAll(`'${subpath}'`, `'${file.startsWith('.') ? file : `./${file}`}'`)
    }
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, outputText)
  }
  for (const input of inputs) emit(input, join(staging, 'src', relative(serverSrc, input)).replace(/\.ts$/, '.js'))
  for (const name of SDK_FILES) emit(join(browserSrc, name), join(staging, 'sdk', name.replace(/\.ts$/, '.js')))
  writeFileSync(join(staging, 'sdk', 'package.json'), '{ "type": "module" }\n')
  writeFileSync(join(staging, 'src', 'package.json'), '{ "type": "module" }\n')
  symlinkSync(serverData, join(staging, 'data'), 'dir')
  try {
    renameSync(staging, out)
  } catch {
    // Another test process finished the same tree first.
    rmSync(staging, { recursive: true, force: true })
  }
  return join(out, 'src')
}
