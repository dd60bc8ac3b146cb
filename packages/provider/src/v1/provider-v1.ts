import type {AuthResult} from './auth-result.js'
import type {ExitFacts} from './exit-facts.js'
import type {JobSpec} from './job-spec.js'
import type {LaunchOptions, LaunchSpec} from './launch-spec.js'
import type {ModelSelection} from './model-selection.js'
import type {OutcomeClass} from './outcome-class.js'
import type {PreflightReport} from './preflight-report.js'
import type {ProbeResult} from './probe-result.js'
import type {ProviderContext} from './provider-context.js'
import type {ProviderEvent} from './provider-event.js'

/**
 * A dx-runner provider, version 1: what an oclif plugin returns from its `dx-runner:provider` hook.
 * The hook does no I/O; the methods do, when a command calls them. `buildLaunch`, `classifyExit` and
 * `parseEvent` are pure (unit-test them on recorded output of the real CLI).
 */
export interface ProviderV1 {
  /** dx-runner refuses, by name, a provider built for another version of the contract. */
  readonly specificationVersion: 'v1'
  /** Lower-case [a-z0-9-], 1-40 characters: the --provider value and the artifact directory's name. */
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
  /**
   * The values this provider's preflight result depends on, besides PATH, HOME and the fallback
   * models (e.g. the endpoint and the credential's source): a passing preflight is reused by `start`
   * for a few minutes only while they are unchanged. Core keeps a SHA-256 fingerprint of them (and of
   * the resolved credential), never the values. Default: the values of `settingsEnv`.
   */
  preflightInputs?(ctx: ProviderContext): readonly string[]
  /** Find the credential (DxError exit 10, or 11 for a token file). */
  resolveAuth(ctx: ProviderContext): Promise<AuthResult>
  /** Is everything in place to launch? (binary, credential, endpoint, model policy). `model`: the one asked for, if any. */
  preflight(ctx: ProviderContext, model?: string): Promise<PreflightReport>
  /** Is this model answering now? */
  probe(ctx: ProviderContext, model?: string): Promise<ProbeResult>
  /** The model to run (requested, default or a fallback) and why. */
  selectModel(ctx: ProviderContext, requested?: string): Promise<ModelSelection>
  /** PURE: how to start the agent for this job (`purpose` 'probe': one tiny request from `dx-runner probe`). */
  buildLaunch(job: JobSpec, auth: AuthResult, model: string, options?: LaunchOptions): LaunchSpec
  /** PURE: exit status + telemetry → outcome and reason. */
  classifyExit(facts: ExitFacts): OutcomeClass
  /** PURE: one line of the agent's output → an event, or undefined for lines that say nothing. */
  parseEvent?(line: string): ProviderEvent | undefined
}
