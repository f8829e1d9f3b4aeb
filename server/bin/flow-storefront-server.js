#!/usr/bin/env node
// The `flow-storefront-server` command: runs the compiled CLI in server/dist.
let cli
try {
  cli = await import('../dist/cli.js')
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error
  process.stderr.write(
    `flow-storefront-server: cannot load the compiled CLI (${error.message}).\n` +
      'Build it first: npm run build (or npm run build -w flow-storefront-server after building the SDK).\n',
  )
  process.exit(1)
}
process.exitCode = await cli.runCli(process.argv.slice(2))
