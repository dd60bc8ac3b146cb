import type {Hook} from '@oclif/core'
import {closestCommand} from '../lib/closest-command.js'
import {printFailure} from '../lib/failure.js'

/**
 * An unknown command. On a terminal a person is asked, by @oclif/plugin-not-found, whether the nearest
 * command was meant (and it runs on yes). Anywhere else (pipes, CI) nothing prompts: one line naming the
 * nearest command, exit 1 (a usage error, not oclif's 127). The plugin prints no suggestion without a TTY.
 */
const hook: Hook<'command_not_found'> = async function (opts) {
  if (process.stdin.isTTY && process.stderr.isTTY && !process.env.CI) {
    const {default: notFound} = await import('@oclif/plugin-not-found')
    return notFound.call(this, opts)
  }
  // `chek bd-1` reaches here as the id chek:bd-1: the typo is the longest leading part near a command
  const words = opts.id.split(':')
  const hidden = new Set(opts.config.commands.filter((c) => c.hidden).map((c) => c.id))
  const known = [...opts.config.commandIDs, ...opts.config.commands.flatMap((c) => c.aliases)].filter((id) => !hidden.has(id)).map((id) => id.split(':').join(' '))
  let typed = words.join(' ')
  let near: string | undefined
  for (let k = words.length; k > 0 && !near; k--) {
    near = closestCommand(words.slice(0, k).join(' '), known)
    if (near) typed = words.slice(0, k).join(' ')
  }
  const hint = near ? `did you mean '${near}'? ` : ''
  printFailure({message: `unknown command '${typed}'; ${hint}run 'dx-runner --help' for the list`, exitCode: 1}, (opts.argv ?? []).includes('--json'))
  return true
}

export default hook
