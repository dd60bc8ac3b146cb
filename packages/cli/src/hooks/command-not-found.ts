import type {Hook} from '@oclif/core'

/** Unknown commands are usage errors: one line, exit 1 (not oclif's 127). */
const hook: Hook<'command_not_found'> = async function (opts) {
  process.stderr.write(`dx-runner: unknown command '${opts.id}'; run 'dx-runner --help' for the list\n`)
  process.exitCode = 1
  return true
}

export default hook
