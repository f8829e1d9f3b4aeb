// `flow-storefront-server <command> [flags]`: a table of commands, each with its own --help.
// Importing this file does nothing; `bin/flow-storefront-server.js` calls `runCli`.
import { parseArgs } from 'node:util'
import { adapterCommands } from './commands/index.js'
import { serveCommands } from './commands/serve.js'
import { parseFaultFlag, startEmulator, type FaultRule } from './emulator/index.js'

const PROGRAM = 'flow-storefront-server'

/** Where a command writes and how it learns it should stop; tests pass their own. */
export type CliIo = {
  out(line: string): void
  err(line: string): void
  /** Resolves when the process is asked to stop (SIGINT or SIGTERM). */
  stopSignal(): Promise<string>
}

/** One command of the CLI. `run` resolves with the process exit code. */
export type Command = {
  name: string
  summary: string
  usage: string
  run(args: string[], io: CliIo): Promise<number>
}

/** A mistake in the command line: printed with the usage, exit code 2. */
class UsageError extends Error {
  override readonly name = 'UsageError'
}

const emulatorCommand: Command = {
  name: 'emulator',
  summary: 'Run the local Flow API emulator (demo organization, hosted checkout, webhooks, faults).',
  usage: `Usage: ${PROGRAM} emulator [--port N] [--host HOST] [--seed FILE] [--state FILE] [--fault RULE]... [--json]

Runs a local Flow API on HOST:N until Ctrl+C (SIGINT) or SIGTERM.

  --port N       port to listen on (default 8300; 0 picks a free one)
  --host HOST    interface to listen on (default 127.0.0.1)
  --seed FILE    seed JSON (default: the demo organization, server/data/seed/demo.json)
  --state FILE   keep the state in FILE across restarts
  --fault RULE   inject a fault, e.g. 'route=*,status=503,times=2' or
                 '{"route":"GET /:organization/experiences/items","latency_ms":800}' (repeatable)
  --json         print exactly one JSON line {"url","organization","apiKey"} when ready
  --help         show this help`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      state: { type: 'string' },
      fault: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    })
    const port = values.port === undefined ? 8300 : Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, received '${String(values.port)}'`)
    let faults: FaultRule[]
    try {
      faults = ((values.fault ?? []) as string[]).map(parseFaultFlag)
    } catch (error) {
      throw new UsageError(`--fault: ${(error as Error).message}`)
    }
    let emulator
    try {
      emulator = await startEmulator({
        port,
        ...(typeof values.host === 'string' ? { host: values.host } : {}),
        ...(typeof values.seed === 'string' ? { seed: values.seed } : {}),
        ...(typeof values.state === 'string' ? { statePath: values.state } : {}),
        faults,
      })
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'EADDRINUSE') io.err(`${PROGRAM} emulator: port ${port} is in use. Pass --port 0 for a free port, or stop what uses it.`)
      else io.err(`${PROGRAM} emulator: ${(error as Error).message}`)
      return 1
    }
    if (values.json) {
      io.out(JSON.stringify({ url: emulator.url, organization: emulator.organization, apiKey: emulator.apiKey }))
    } else {
      io.out(`Flow API emulator listening on ${emulator.url}`)
      io.out(`  organization  ${emulator.organization}`)
      io.out(`  API key       ${emulator.apiKey}  (HTTP Basic user name, empty password)`)
      io.out(`  checkout      ${emulator.url}/tokens/<checkout token id>`)
      io.out(`  admin         ${emulator.url}/_emulator/faults`)
      io.out(`  try           curl -u ${emulator.apiKey}: ${emulator.url}/${emulator.organization}/experiences`)
      io.out('Press Ctrl+C to stop.')
    }
    const signal = await io.stopSignal()
    await emulator.close()
    io.err(`${PROGRAM} emulator: stopped (${signal}).`)
    return 0
  },
}

/** Every command, in the order `--help` lists them. Later features add theirs here. */
export const commands: Command[] = [emulatorCommand, ...serveCommands, ...adapterCommands]

function parseFlags(args: string[], options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return [
    `Usage: ${PROGRAM} <command> [flags]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run '${PROGRAM} <command> --help' for a command's flags.`,
  ].join('\n')
}

/** Standard streams and process signals. */
export function processIo(): CliIo {
  return {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    stopSignal: () =>
      new Promise((resolve) => {
        const stop = (signal: string) => {
          process.off('SIGINT', stop)
          process.off('SIGTERM', stop)
          resolve(signal)
        }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      }),
  }
}

/**
 * Runs the CLI and resolves with the exit code: 0 success, 1 failure, 2 a usage mistake
 * (unknown command or flag, bad value).
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2))
 * // flow-storefront-server emulator --port 0 --json
 * // {"url":"http://127.0.0.1:53122","organization":"demo","apiKey":"demo-sk-…"}
 */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined) {
    io.err(help())
    return 2
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = commands.find((c) => c.name === args[0])
    io.out(topic ? topic.usage : help())
    return 0
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    io.err(`${PROGRAM}: unknown command '${name}'. Commands: ${commands.map((c) => c.name).join(', ')}. Run '${PROGRAM} --help'.`)
    return 2
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(command.usage)
    return 0
  }
  try {
    return await command.run(args, io)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.err(`${PROGRAM} ${command.name}: ${error.message}\n\n${command.usage}`)
    return 2
  }
}
