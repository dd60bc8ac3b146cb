import {COMMANDS, type CommandId, type CommandSpec} from './flag-spec.js'

/**
 * Fold a command's positional arguments into the flags they stand for (`check bd-1` = `check --beads bd-1`),
 * then require what the spec requires. Pure: returns the flags or the one-line usage error (exit 1).
 * oclif (DxCommand.parse) and the fast path both call it, so they accept and refuse the same things.
 */
export function foldPositionals(
  command: CommandId,
  positionals: readonly (string | readonly string[] | undefined)[],
  flags: Record<string, unknown>,
): {flags: Record<string, unknown>} | {error: string} {
  const spec = COMMANDS[command] as CommandSpec
  const args = Object.values(spec.args ?? {})
  const given = positionals.filter((p) => p !== undefined && p.length > 0)
  if (given.length > args.length && !args.at(-1)?.many) return {error: `unexpected argument ${JSON.stringify(given[args.length])}${args.length === 0 ? '' : `: ${command} takes ${args.length} (${args.map((a) => a.flag).join(', ')})`}`}
  const out = {...flags}
  for (const [i, arg] of args.entries()) {
    const raw = arg.many && !Array.isArray(positionals[i]) ? positionals.slice(i).filter((p): p is string => typeof p === 'string') : positionals[i]
    const value = Array.isArray(raw) ? (raw.length > 0 ? raw.join(',') : undefined) : (raw as string | undefined)
    if (value === undefined) continue
    const flag = out[arg.flag]
    if (flag !== undefined && flag !== value) return {error: `the argument ${JSON.stringify(value)} and --${arg.flag} ${JSON.stringify(flag)} differ: give the ${arg.flag} once`}
    out[arg.flag] = value
  }
  for (const [name, f] of Object.entries(spec.flags)) {
    if (f.required && out[name] === undefined) return {error: `Missing required flag ${name}`}
  }
  return {flags: out}
}

/** Flags the oclif command declares not required because a positional argument may give them instead. */
export function flagsGivenByArgs(command: CommandId): Set<string> {
  return new Set(Object.values((COMMANDS[command] as CommandSpec).args ?? {}).map((a) => a.flag))
}

