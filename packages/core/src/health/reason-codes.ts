export {REASON_CODES, isReasonCode, type ReasonCode} from '@dx-runner/provider'

export const HEALTH_STATES = [
  'queued',
  'launching',
  'waiting_first_output',
  'silent_mutation',
  'healthy',
  'stalled',
  'no_op',
  'exited_ok',
  'exited_err',
  'blocked',
  'missing',
] as const

export type HealthState = (typeof HEALTH_STATES)[number]

