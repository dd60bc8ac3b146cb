import type {Secret} from '../secret.js'

export type CheckStatus = 'ok' | 'warn' | 'fail'

export interface PreflightCheck {
  name: string
  status: CheckStatus
  detail: string
}

export interface PreflightReport {
  provider: string
  passed: boolean
  checks: PreflightCheck[]
  /** reason code when not passed, e.g. provider_model_unavailable */
  reason_code?: string
}

/** What a provider method may look at: the environment and where it runs. No oclif in here. */
export interface ProviderContext {
  env: NodeJS.ProcessEnv
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

export interface AuthResult {
  /** Which source won, e.g. CC_GLM_AUTH_TOKEN, CC_GLM_TOKEN_FILE, op://… (reference, never the value) */
  source: string
  /** Environment variables the agent needs; values are Secrets and only ever reach the child's env. */
  env: Record<string, Secret>
  /** Non-secret settings that go with the credential (e.g. the endpoint it is valid for). */
  plainEnv?: Record<string, string>
  /** What the user should fix that does not stop the job (a token file others can read): stderr and preflight `warn` checks. */
  warnings?: AuthWarning[]
}

/** A credential problem worth a warning: `name` is the preflight check's name, `detail` the one line shown. */
export interface AuthWarning {
  name: string
  detail: string
}

export interface ProbeResult {
  provider: string
  model: string
  answered: boolean
  latency_ms: number
  reason_code: string
  detail: string
}

export interface ModelSelection {
  selected_model: string
  fallback_reason: string
}

/** Everything about a job a provider needs to build its launch. */
export interface JobSpec {
  beads: string
  worktree: string
  promptFile: string
  model: string
  /** Per-job directory for TMPDIR and CLI debris, inside the artifact root. */
  tmpDir: string
}

export interface LaunchSpec {
  command: string
  args: string[]
  /** Plain (non-secret) environment additions. */
  env: Record<string, string>
  /** Secret environment additions: passed to the supervisor through a pipe, never argv or a file. */
  secretEnv: Record<string, Secret>
  /** Inherited variables the agent must not see (e.g. a personal ANTHROPIC_API_KEY that would win over the token). */
  unsetEnv?: string[]
  /**
   * Non-secret files the agent needs (e.g. a CLI settings file), written before launch under the job's
   * own directory (paths relative to JobSpec.tmpDir, no '..').
   */
  files?: {path: string; content: string}[]
  /** 'prompt' feeds the prompt file on stdin; 'null' gives /dev/null. */
  stdin: 'prompt' | 'null'
  cwd: string
}

export type OutcomeState = 'success' | 'failed' | 'killed' | 'no_op'

export interface OutcomeClass {
  state: OutcomeState
  reason_code: string
}

/** Accumulated telemetry of one run, built by folding parseEvent over the log. */
export interface Telemetry {
  input_tokens?: number
  output_tokens?: number
  cost_usd?: number
  tool_calls?: number
  session_id?: string
  model?: string
  /** The agent's own final result, when it reported one. */
  result?: {is_error: boolean; subtype?: string; api_error_status?: number; text?: string}
  /** The most recent retry the CLI announced (HTTP status it is backing off from). */
  last_retry?: {status?: number; error?: string; attempt?: number}
  /** An error status the CLI reported outside a result (stderr line, error event). */
  error_status?: number
  error_message?: string
}

export type TelemetryEvent =
  | {kind: 'usage'; input_tokens?: number; output_tokens?: number; cost_usd?: number}
  | {kind: 'tool_call'; name?: string}
  | {kind: 'session'; session_id: string; model?: string}
  | {kind: 'retry'; status?: number; error?: string; attempt?: number}
  | {kind: 'error'; status?: number; message?: string}
  | {
      kind: 'result'
      is_error: boolean
      subtype?: string
      api_error_status?: number
      text?: string
      input_tokens?: number
      output_tokens?: number
      cost_usd?: number
      session_id?: string
      num_tool_calls?: number
    }
  | {kind: 'text'}

export interface ExitFacts {
  exit_code: number
  telemetry: Telemetry
  /** The job was stopped by a person (or the watchdog) rather than ending by itself. */
  stopped_by_user?: boolean
  timed_out?: boolean
}

export interface ProviderV1 {
  readonly specificationVersion: 'v1'
  readonly name: string
  readonly description: string
  readonly defaultModel: string
  /**
   * Non-secret environment variables that shape this provider's launch: endpoints, a token FILE's
   * path, the agent CLI's retry budget, model fallbacks. `start` records the values it saw in the
   * job's meta (`launch.env`); `restart` and the watchdog put exactly those back over their own
   * environment (unset ones removed), so a job relaunches as it was started. Never list a variable
   * that holds a credential: the ones whose value matches the resolved key are dropped anyway.
   */
  readonly settingsEnv?: readonly string[]
  resolveAuth(ctx: ProviderContext): Promise<AuthResult>
  preflight(ctx: ProviderContext): Promise<PreflightReport>
  probe(ctx: ProviderContext, model?: string): Promise<ProbeResult>
  selectModel(ctx: ProviderContext, requested?: string): Promise<ModelSelection>
  buildLaunch(job: JobSpec, auth: AuthResult, model: string): LaunchSpec
  classifyExit(facts: ExitFacts): OutcomeClass
  parseEvent?(line: string): TelemetryEvent | undefined
}
