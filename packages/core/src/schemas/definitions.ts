import {PROVIDER_NAME_RE} from '@dx-runner/provider'
import {HEALTH_STATES, REASON_CODES} from '../health/reason-codes.js'
import {BEADS_RE} from '../store/job-paths.js'

export const isoDate = {type: 'string', format: 'date-time'} as const
export const state = {type: 'string', enum: [...HEALTH_STATES]} as const
export const reasonCode = {type: 'string', enum: [...REASON_CODES]} as const
export const outcomeState = {type: 'string', enum: ['success', 'failed', 'killed', 'no_op']} as const
export const nonNegInt = {type: 'integer', minimum: 0} as const
export const beads = {type: 'string', pattern: BEADS_RE.source} as const
export const providerName = {type: 'string', pattern: PROVIDER_NAME_RE.source} as const

export const telemetryExtras = {
  input_tokens: nonNegInt,
  output_tokens: nonNegInt,
  cost_usd: {type: 'number', minimum: 0},
  tool_calls: nonNegInt,
  session_id: {type: 'string'},
  leftover_processes: nonNegInt,
} as const

/** The latest retry the agent CLI announced; status null: no HTTP answer (connection refused, DNS, TLS, timeout). */
export const lastRetry = {
  type: 'object',
  additionalProperties: false,
  required: ['attempt', 'status', 'error'],
  properties: {
    attempt: {anyOf: [nonNegInt, {type: 'null'}]},
    status: {anyOf: [{type: 'integer', minimum: 100, maximum: 599}, {type: 'null'}]},
    error: {type: ['string', 'null']},
  },
} as const

export const checkList = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'status', 'detail'],
    properties: {name: {type: 'string'}, status: {type: 'string', enum: ['ok', 'warn', 'fail']}, detail: {type: 'string'}},
  },
} as const

export const gateResult = {
  type: 'object',
  additionalProperties: false,
  required: ['gate', 'passed', 'reason_code', 'details'],
  properties: {
    gate: {type: 'string'},
    passed: {type: 'boolean'},
    reason_code: {anyOf: [reasonCode, {type: 'null'}]},
    details: {type: 'object'},
  },
} as const
