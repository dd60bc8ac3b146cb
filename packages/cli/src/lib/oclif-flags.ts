import {Args, Flags, type Interfaces} from '@oclif/core'
import {COMMANDS, GLOBAL_FLAGS, HOST_FLAG, type CommandId, type CommandSpec, type FlagSpec} from './flag-spec.js'
import {flagsGivenByArgs} from './positional.js'

type Value<S extends FlagSpec> = S['type'] extends 'integer' ? number : string
/** What oclif's parse() returns for the flag: undefined unless it is required or has a default. */
type OclifFlag<S extends FlagSpec> = S['type'] extends 'boolean'
  ? Interfaces.BooleanFlag<boolean>
  : Interfaces.OptionFlag<S extends {required: true} | {default: unknown} ? Value<S> : Value<S> | undefined>

type OclifFlags<F extends Record<string, FlagSpec>> = {-readonly [K in keyof F]: OclifFlag<F[K]>}
type WithHost<C extends CommandSpec> = C extends {remote: true} ? {host: Interfaces.OptionFlag<string | undefined>} : {}

/** One oclif flag from its spec (the CLI-only properties stay in the spec). */
export function oclifFlag(spec: FlagSpec): object {
  const {type, forward: _forward, oclifOnly: _oclifOnly, ...props} = spec
  if (type === 'boolean') return Flags.boolean(props as Parameters<typeof Flags.boolean>[0])
  if (type === 'integer') return Flags.integer(props as Parameters<typeof Flags.integer>[0])
  return Flags.string(props as Parameters<typeof Flags.string>[0])
}

function build(flags: Record<string, FlagSpec>, givenByArgs: ReadonlySet<string> = new Set()): Record<string, object> {
  // a flag a positional argument may give is checked after both are parsed (lib/positional.ts), not by oclif
  return Object.fromEntries(Object.entries(flags).map(([name, spec]) => [name, oclifFlag(givenByArgs.has(name) ? {...spec, required: false} : spec)]))
}

/** A command's `static flags`, from lib/flag-spec.ts: --host first on remote commands, then its own. */
export function commandFlags<Id extends CommandId>(id: Id): WithHost<(typeof COMMANDS)[Id]> & OclifFlags<(typeof COMMANDS)[Id]['flags']> {
  const spec = COMMANDS[id] as CommandSpec
  return {...(spec.remote ? {host: oclifFlag(HOST_FLAG)} : {}), ...build(spec.flags, flagsGivenByArgs(id))} as never
}

/** A command's `static args`: each positional argument stands for a flag (`check bd-1` = `check --beads bd-1`). */
export function commandArgs(id: CommandId): Record<string, ReturnType<typeof Args.string>> {
  const spec = COMMANDS[id] as CommandSpec
  return Object.fromEntries(Object.entries(spec.args ?? {}).map(([name, a]) => [name, Args.string({description: a.description, required: false, ignoreStdin: true, ...(a.many ? {multiple: true} : {})})]))
}

/** A command's `static aliases` (`ls` for `status`). */
export function commandAliases(id: CommandId): string[] {
  return [...((COMMANDS[id] as CommandSpec).aliases ?? [])]
}

/** The DxCommand base flags. */
export function globalFlags(): OclifFlags<typeof GLOBAL_FLAGS> {
  return build(GLOBAL_FLAGS) as never
}
