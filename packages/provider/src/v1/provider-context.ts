/** What a provider method may look at: the environment and where it runs. */
export interface ProviderContext {
  /** The caller's environment (at restart: overlaid with the settings recorded at start, see ProviderV1.settingsEnv). */
  env: NodeJS.ProcessEnv
  /** The job's worktree (for preflight and probe: the current directory). */
  cwd: string
  /** Bounded time for any external call the method makes (op read, version probe, model probe). */
  timeoutMs: number
  /**
   * Models to try, in order, when the requested one is unavailable (the user's fallback chain, from
   * `--fallback-model` or the config file). A provider without a model policy ignores it.
   */
  fallbackModels?: readonly string[]
  /**
   * Take the credential from this source only (an AuthResult.source: a variable's name or an op://
   * reference), or fail: `restart` and the watchdog re-resolve a job's key from where its start took it.
   * A provider with a single source may ignore it.
   */
  authSource?: string
}
