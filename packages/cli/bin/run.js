#!/usr/bin/env node
// `--version` is answered without loading oclif: it should cost little more than starting node.
// `status` and `check` take a fast path without oclif when they can (see dist/fast-path.js).
const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const {readFileSync} = await import('node:fs')
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`dx-runner/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  const fast = ['status', 'check', 'start'].includes(argv[0]) && process.env.DX_RUNNER_NO_FAST_PATH !== '1'
  if (!(fast && (await (await import('../dist/fast-path.js')).tryFastPath(argv)))) {
    const {execute} = await import('@oclif/core')
    await execute({dir: import.meta.url})
  }
}
