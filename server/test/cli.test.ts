// The CLI dispatcher and its `emulator` command, run in-process with a scripted io.
import { describe, expect, test } from 'vitest'
import { commands, runCli, type CliIo } from '../src/cli.js'

function scriptedIo() {
  const out: string[] = []
  const err: string[] = []
  let stop: (signal: string) => void = () => {}
  let ready: () => void = () => {}
  const started = new Promise<void>((resolve) => (ready = resolve))
  const io: CliIo = {
    out: (line) => {
      out.push(line)
      ready()
    },
    err: (line) => void err.push(line),
    stopSignal: () => new Promise((resolve) => (stop = resolve)),
  }
  return { io, out, err, started, stop: (signal = 'SIGINT') => stop(signal) }
}

describe('flow-storefront-server', () => {
  test('--help lists the commands and exits 0', async () => {
    const { io, out } = scriptedIo()
    expect(await runCli(['--help'], io)).toBe(0)
    expect(out.join('\n')).toMatch(/^Usage: flow-storefront-server <command> \[flags\]\n\nCommands:\n {2}emulator {2,}Run the local Flow API emulator/)
  })

  test('no command prints the help to stderr and exits 2', async () => {
    const { io, err } = scriptedIo()
    expect(await runCli([], io)).toBe(2)
    expect(err.join('\n')).toContain('Usage: flow-storefront-server <command> [flags]')
  })

  test('an unknown command is named, exit code 2', async () => {
    const { io, err } = scriptedIo()
    expect(await runCli(['emulate'], io)).toBe(2)
    expect(err).toEqual([`flow-storefront-server: unknown command 'emulate'. Commands: ${commands.map((c) => c.name).join(', ')}. Run 'flow-storefront-server --help'.`])
  })

  test('emulator --help and help emulator print its usage', async () => {
    for (const argv of [['emulator', '--help'], ['help', 'emulator']]) {
      const { io, out } = scriptedIo()
      expect(await runCli(argv, io)).toBe(0)
      expect(out[0]).toMatch(/^Usage: flow-storefront-server emulator \[--port N\]/)
    }
  })

  test('bad flags exit 2 with the reason and the usage', async () => {
    const cases: [string[], RegExp][] = [
      [['emulator', '--port', 'abc'], /--port must be an integer from 0 to 65535, received 'abc'/],
      [['emulator', '--colour'], /Unknown option '--colour'/],
      [['emulator', '--fault', 'route=*'], /--fault: fault rule: give at least one of latency_ms, status or body/],
    ]
    for (const [argv, message] of cases) {
      const { io, err } = scriptedIo()
      expect(await runCli(argv, io)).toBe(2)
      expect(err.join('\n')).toMatch(message)
      expect(err.join('\n')).toContain('Usage: flow-storefront-server emulator')
    }
  })

  test('emulator --port 0 --json prints one JSON line, serves until a signal, then closes', async () => {
    const { io, out, started, stop } = scriptedIo()
    const exit = runCli(['emulator', '--port', '0', '--json', '--fault', 'route=/demo/centers,status=503,times=1'], io)
    await started
    expect(out).toHaveLength(1)
    const ready = JSON.parse(out[0] ?? '') as { url: string; organization: string; apiKey: string }
    expect(Object.keys(ready)).toEqual(['url', 'organization', 'apiKey'])
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const auth = { authorization: `Basic ${Buffer.from(`${ready.apiKey}:`).toString('base64')}` }
    expect((await fetch(`${ready.url}/${ready.organization}/centers`, { headers: auth })).status).toBe(503)
    expect((await fetch(`${ready.url}/${ready.organization}/centers`, { headers: auth })).status).toBe(200)
    stop('SIGTERM')
    expect(await exit).toBe(0)
    await expect(fetch(`${ready.url}/${ready.organization}/centers`, { headers: auth })).rejects.toThrow()
  })

  test('emulator without --json prints its URL, organization and API key for people', async () => {
    const { io, out, started, stop } = scriptedIo()
    const exit = runCli(['emulator', '--port', '0'], io)
    await started
    stop()
    expect(await exit).toBe(0)
    expect(out[0]).toMatch(/^Flow API emulator listening on http:\/\/127\.0\.0\.1:\d+$/)
    expect(out.join('\n')).toMatch(/organization {2}demo\n {2}API key {7}demo-sk-/)
  })

  test('an unreadable seed fails with exit code 1 and says why', async () => {
    const { io, err } = scriptedIo()
    expect(await runCli(['emulator', '--port', '0', '--seed', '/nonexistent/seed.json'], io)).toBe(1)
    expect(err).toEqual(['flow-storefront-server emulator: startEmulator(): cannot read the seed file /nonexistent/seed.json.'])
  })
})
