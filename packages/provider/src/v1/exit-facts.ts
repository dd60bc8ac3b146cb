import type {Telemetry} from './telemetry.js'

/**
 * What `classifyExit` judges a finished run by. A run a person (or the watchdog) stopped never reaches
 * the provider: core records it as killed / stopped_by_user itself.
 */
export interface ExitFacts {
  /** The agent's exit status (128 + n when a signal ended it; -1 when unknown). */
  exit_code: number
  /** Everything parseEvent found in the log. */
  telemetry: Telemetry
  /** The job's --timeout ended it. */
  timed_out?: boolean
}
