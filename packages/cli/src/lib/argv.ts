/** A flag taken out of argv by takeOption. */
export interface TakenOption {
  /** the value: after `=`, else the next word (undefined when there is none) */
  value: string | undefined
  /** given as `--name=value` */
  inline: boolean
  /** where the flag stood: the index in `rest` to put a replacement at */
  at: number
  /** argv without the flag and its value */
  rest: string[]
}

/**
 * Take the first `--<name> <value>` or `--<name>=<value>` before `--` out of argv (undefined when
 * absent). For the flags read before oclif parses anything: `--config`, `--host`, and start's
 * `--prompt-file` on its way to another machine. The caller judges the value.
 */
export function takeOption(argv: readonly string[], name: string): TakenOption | undefined {
  const flag = `--${name}`
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]
    if (word === '--') return undefined
    if (word !== flag && !word.startsWith(`${flag}=`)) continue
    const inline = word !== flag
    const value = inline ? word.slice(flag.length + 1) : argv[i + 1]
    const rest = [...argv]
    rest.splice(i, inline || value === undefined ? 1 : 2)
    return {value, inline, at: i, rest}
  }
  return undefined
}
