import type {Secret} from './secret.js'

/** A credential problem worth a warning: `name` is the preflight check's name, `detail` the one line shown. */
export interface AuthWarning {
  name: string
  detail: string
}

/** What `resolveAuth` found. */
export interface AuthResult {
  /** Which source won, e.g. CC_GLM_AUTH_TOKEN, CC_GLM_TOKEN_FILE, op://… (a name or reference, never the value). */
  source: string
  /**
   * Environment variables the agent needs, values as Secrets. `buildLaunch` must pass every entry
   * through as `LaunchSpec.secretEnv` (core never adds them by itself); they reach only the agent's
   * environment, through a pipe, never argv, a file or a log.
   */
  env: Record<string, Secret>
  /**
   * Non-secret settings that go with the credential (e.g. the endpoint it is valid for). Core does NOT
   * pass them to the agent: `buildLaunch` reads them and puts what the agent needs into `LaunchSpec.env`.
   */
  plainEnv?: Record<string, string>
  /** What the user should fix that does not stop the job (a token file others can read): stderr and preflight `warn` checks. */
  warnings?: AuthWarning[]
}
