/**
 * The JSON Schema of a profile file (draft 2020-12), compiled ahead of time into
 * profile-validator.generated.ts (`npm run profile-validator` in packages/core): no schema library is loaded at run time.
 */
import {EVIDENCE_KINDS} from '../gates/evidence-claims.js'

const closed = (properties: Record<string, object>) => ({type: 'object', additionalProperties: false, properties})
const names = {type: 'array', items: {type: 'string', minLength: 1}}
const minutes = {type: 'number', exclusiveMinimum: 0}
const nonNegative = {type: 'number', minimum: 0}
const gate = {enum: ['required', 'optional']}
/** evidence-gate's command per claim kind (gates/evidence-claims.ts EVIDENCE_KINDS), run with sh -c */
export const EVIDENCE_COMMANDS_SCHEMA = closed(Object.fromEntries(EVIDENCE_KINDS.map((k) => [k, {type: 'string', minLength: 1}])))

export const PROFILE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://dx-runner.dev/schemas/profile.schema.json',
  title: 'dx-runner profile',
  ...closed({
    $schema: {type: 'string'},
    description: {type: 'string'},
    provider: closed({
      name: {type: 'string', minLength: 1},
      model: {type: 'string', minLength: 1},
      allow_model_override: {type: 'boolean'},
      fallback_providers: names,
      fallback_models: names,
    }),
    concurrency: closed({
      max_parallel: {type: 'integer', minimum: 1},
      queue_timeout_sec: nonNegative,
    }),
    preflight: closed({
      strict: {type: 'boolean'},
      checks: {type: 'object', additionalProperties: {enum: ['error', 'warn']}},
    }),
    timeouts: closed({
      max_runtime_minutes: minutes,
      no_mutation_timeout_minutes: minutes,
      stall_minutes: nonNegative,
      no_op_minutes: nonNegative,
      first_output_seconds: nonNegative,
      first_mutation_grace_seconds: nonNegative,
    }),
    scope: closed({
      allowed_paths: names,
      mutation_budget: {type: 'integer', minimum: 0},
      file_budget: {type: 'integer', minimum: 0},
    }),
    gates: closed({baseline: gate, feature_key: gate}),
    evidence: EVIDENCE_COMMANDS_SCHEMA,
    budgets: closed({
      max_cost_usd: {type: 'number', exclusiveMinimum: 0},
      max_tokens: {type: 'integer', minimum: 1},
      daily_cost_usd: {type: 'number', exclusiveMinimum: 0},
    }),
  }),
} as const
