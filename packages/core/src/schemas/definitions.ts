import {PROVIDER_NAME_RE} from '@dx-runner/provider'
import {HEALTH_STATES, REASON_CODES} from '../health/reason-codes.js'
import {BEADS_RE} from '../store/job-paths.js'
import {EVIDENCE_COMMANDS_SCHEMA} from '../profiles/profile-schema.js'
import {EVIDENCE_KINDS} from '../gates/evidence-claims.js'

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

/** One re-run verification command (evidence-gate): how it ended and the last 4 KiB of its output. */
const commandRun = {
  type: 'object',
  additionalProperties: false,
  required: ['exit_code', 'signal', 'timed_out', 'duration_ms', 'output_tail'],
  properties: {
    exit_code: {type: ['integer', 'null'], description: 'null: ended by a signal (or never started)'},
    signal: {type: ['string', 'null']},
    timed_out: {type: 'boolean', description: 'it ran past --timeout; its whole process group was ended'},
    duration_ms: nonNegInt,
    output_tail: {type: 'string', maxLength: 4096},
  },
} as const

/** evidence-gate's result: the gate shape, with each claim of the sign-off and what re-running its command found. */
export const evidenceResult = {
  type: 'object',
  additionalProperties: false,
  required: ['gate', 'passed', 'reason_code', 'details'],
  properties: {
    gate: {const: 'evidence'},
    passed: {type: 'boolean'},
    reason_code: {enum: ['unverified_claims', 'claim_refuted', 'signoff_missing', null]},
    details: {
      type: 'object',
      additionalProperties: false,
      required: ['beads', 'provider', 'worktree', 'head', 'dirty', 'signoff_file', 'commands_source', 'timeout_sec', 'checked_at', 'claims'],
      properties: {
        beads,
        provider: providerName,
        worktree: {type: 'string'},
        head: {type: ['string', 'null'], description: "the worktree's HEAD when the commands ran (the job's final commit); null outside git"},
        dirty: {type: 'boolean', description: 'the worktree had uncommitted changes, which the commands saw too'},
        signoff_file: {type: 'string'},
        commands_source: {enum: ['profile', 'config', 'none'], description: 'the job recorded its profile\'s (or the config\'s) evidence at start; else the config\'s now'},
        timeout_sec: {type: 'number', exclusiveMinimum: 0},
        checked_at: isoDate,
        message: {type: 'string'},
        claims: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['text', 'kind', 'line', 'status', 'command', 'run'],
            properties: {
              text: {type: 'string'},
              kind: {enum: [...EVIDENCE_KINDS, null]},
              line: {type: 'integer', minimum: 1},
              status: {enum: ['verified', 'refuted', 'unverifiable']},
              command: {type: ['string', 'null']},
              run: {anyOf: [commandRun, {type: 'null'}]},
            },
          },
        },
      },
    },
  },
} as const

const names = {type: 'array', items: {type: 'string'}} as const
const nullableNumber = {type: ['number', 'null']} as const
const gatePolicy = {type: 'string', enum: ['required', 'optional']} as const

/** Every resolved start setting (profiles/settings.ts): meta.settings and `profiles show`. */
export const settings = {
  type: 'object',
  additionalProperties: false,
  required: [
    'provider', 'model', 'allow_model_override', 'fallback_providers', 'fallback_models', 'max_parallel', 'queue_timeout_sec', 'max_runtime_minutes',
    'no_mutation_timeout_minutes', 'first_mutation_grace_seconds', 'stall_minutes', 'no_op_minutes', 'first_output_seconds', 'preflight_strict',
    'preflight_checks', 'gates_baseline', 'gates_feature_key', 'allowed_paths', 'mutation_budget', 'file_budget',
    'evidence',
    'max_cost_usd', 'max_tokens', 'daily_cost_usd',
  ],
  properties: {
    provider: {type: ['string', 'null']},
    model: {type: ['string', 'null']},
    allow_model_override: {type: 'boolean'},
    fallback_providers: names,
    fallback_models: names,
    max_parallel: {anyOf: [{type: 'integer', minimum: 1}, {type: 'null'}]},
    queue_timeout_sec: {type: 'number', minimum: 0},
    max_runtime_minutes: nullableNumber,
    no_mutation_timeout_minutes: nullableNumber,
    first_mutation_grace_seconds: nullableNumber,
    stall_minutes: {type: 'number', minimum: 0},
    no_op_minutes: {type: 'number', minimum: 0},
    first_output_seconds: {type: 'number', minimum: 0},
    preflight_strict: {type: 'boolean'},
    preflight_checks: {type: 'object', additionalProperties: {type: 'string', enum: ['error', 'warn']}},
    gates_baseline: gatePolicy,
    gates_feature_key: gatePolicy,
    allowed_paths: {anyOf: [names, {type: 'null'}]},
    mutation_budget: {anyOf: [nonNegInt, {type: 'null'}]},
    file_budget: {anyOf: [nonNegInt, {type: 'null'}]},
    evidence: EVIDENCE_COMMANDS_SCHEMA,
    max_cost_usd: {anyOf: [{type: 'number', exclusiveMinimum: 0}, {type: 'null'}]},
    max_tokens: {anyOf: [{type: 'integer', minimum: 1}, {type: 'null'}]},
    daily_cost_usd: {anyOf: [{type: 'number', exclusiveMinimum: 0}, {type: 'null'}]},
  },
} as const

/** Where each setting came from. */
export const settingsSources = {
  type: 'object',
  additionalProperties: false,
  required: settings.required,
  properties: Object.fromEntries(settings.required.map((k) => [k, {type: 'string', enum: ['flag', 'env', 'profile', 'config', 'default']}])),
} as const

/** The profile a job or a `profiles show` used. */
export const profileRef = {
  anyOf: [
    {type: 'null'},
    {type: 'object', additionalProperties: false, required: ['name', 'file'], properties: {name: {type: 'string'}, file: {type: ['string', 'null']}}},
  ],
} as const

/** What scope-gate counted and judged (gate "scope"); also the job's `scope-violation` artifact. */
export const scopeDetails = {
  type: 'object',
  additionalProperties: false,
  required: ['worktree', 'base', 'head', 'allowed_paths', 'mutation_budget', 'file_budget', 'changed_files', 'changed_lines', 'outside_allowlist', 'violations', 'files'],
  properties: {
    worktree: {type: 'string'},
    base: {type: 'string', description: 'the start commit the changes are counted from'},
    head: {type: ['string', 'null']},
    allowed_paths: {anyOf: [names, {type: 'null'}]},
    mutation_budget: {anyOf: [nonNegInt, {type: 'null'}], description: 'changed files allowed'},
    file_budget: {anyOf: [nonNegInt, {type: 'null'}], description: 'changed lines (added + deleted) allowed'},
    changed_files: nonNegInt,
    changed_lines: nonNegInt,
    outside_allowlist: names,
    violations: {type: 'array', items: {type: 'string', enum: ['path_outside_allowlist', 'mutation_budget_exceeded', 'file_budget_exceeded']}},
    files: {
      type: 'array',
      items: {type: 'object', additionalProperties: false, required: ['path', 'added', 'deleted'], properties: {path: {type: 'string'}, added: nonNegInt, deleted: nonNegInt}},
    },
  },
} as const
