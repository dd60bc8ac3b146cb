#!/usr/bin/env node
// `--version` is answered without loading oclif: it should cost little more than starting node.
// `status`, `check` and `start` take a fast path without oclif when they can (src/fast-path.ts); what runs before
// oclif is bundled with dx-runner's own packages into dist/bundle/ (scripts/bundle.js), a few modules to load.
const argv = process.argv.slice(2)
// the script a job's supervisor runs when the job ends, to hand its slot to the next queued job (bin/dispatch.js)
process.env.DX_RUNNER_HANDOFF = decodeURIComponent(new URL('./dispatch.js', import.meta.url).pathname)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const {readFileSync} = await import('node:fs')
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`dx-runner/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  // --config <file> is global: it becomes DX_RUNNER_CONFIG before anything reads the config
  const {takeOption} = await import('../dist/bundle/argv.js')
  for (let t; (t = takeOption(argv, 'config')); ) {
    if (!t.value) {
      process.stderr.write('dx-runner: --config needs a file path\n')
      process.exit(1)
    }
    process.env.DX_RUNNER_CONFIG = t.value
    argv.splice(0, argv.length, ...t.rest)
    process.argv.splice(2, Infinity, ...t.rest)
  }
  try {
    const {applyConfig} = await import('../dist/bundle/config.js')
    applyConfig(process.env)
  } catch (error) {
    // help, --version and `providers` go on without a broken config (one warning); the rest stop, naming file and key
    const {needsConfig} = await import('../dist/bundle/needs-config.js')
    if (needsConfig(argv)) {
      const {printFailure} = await import('../dist/bundle/failure.js')
      printFailure({message: error.message, exitCode: error.exitCode ?? 1}, argv.includes('--json'))
      process.exit()
    }
    process.stderr.write(`dx-runner: warning: ${error.message}; going on without it\n`)
  }
  // --host <name>: the same command on another machine, over ssh (dist/lib/remote.js)
  if ((takeOption(argv, 'host')?.at ?? 0) > 0) {
    const remote = await import('../dist/bundle/remote.js')
    // an alias (ls) goes to the host as its command (status): the host may be older than its aliases
    const id = remote.commandFromName(argv[0])
    if (id !== undefined && id !== argv[0] && remote.REMOTE_COMMANDS.has(id)) argv[0] = id
    if (remote.REMOTE_COMMANDS.has(argv[0])) {
      try {
        const {host, rest} = remote.extractHost(argv)
        process.exitCode = await remote.runRemoteCommand(host, rest)
      } catch (error) {
        process.stderr.write(`dx-runner: ${String(error.message).split('\n')[0]}\n`)
        process.exitCode = error.exitCode ?? 1
      }
      process.exit()
    }
  }
  const fast = ['status', 'ls', 'ps', 'list', 'check', 'start'].includes(argv[0]) && process.env.DX_RUNNER_NO_FAST_PATH !== '1'
  if (!(fast && (await (await import('../dist/bundle/fast-path.js')).tryFastPath(argv)))) {
    const {execute} = await import('@oclif/core')
    await execute({dir: import.meta.url})
  }
}
