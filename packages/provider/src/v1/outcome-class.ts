import type {ReasonCode} from './reason-code.js'

export type OutcomeState = 'success' | 'failed' | 'killed' | 'no_op'

/** How a finished run ended, as `classifyExit` judges it. */
export interface OutcomeClass {
  state: OutcomeState
  /** One of the documented reason codes (README "States"): outcome_exit_0, process_exit_with_rc, provider_*, timeout, … */
  reason_code: ReasonCode
}
