/** Commands that work without the config file: a broken one is a warning for them, not a stop. */
const CONFIG_FREE_COMMANDS: ReadonlySet<string> = new Set(['help', 'providers', 'autocomplete', 'version', 'commands'])
const HELP_OR_VERSION: ReadonlySet<string> = new Set(['--help', '-h', '--version', '-v'])

/**
 * Does this invocation need the config file? Help, version and `providers` do not: with a broken file
 * they warn once on stderr and go on (README "Configuration"); every other command stops, naming the file and key.
 */
export function needsConfig(argv: readonly string[]): boolean {
  const words = argv.slice(0, Math.max(0, argv.indexOf('--')) || argv.length)
  if (words.length === 0) return false
  if (words.some((w) => HELP_OR_VERSION.has(w))) return false
  return !CONFIG_FREE_COMMANDS.has(words[0])
}
