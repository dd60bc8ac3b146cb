import {EVIDENCE_COMMANDS_SCHEMA} from '@dx-runner/core'
import {THRESHOLD_SETTINGS} from './flag-spec.js'

/**
 * The JSON Schema of the config file (draft 2020-12), for editors and for the validator, which ajv
 * compiles ahead of time (lib/config-validator.generated.ts, `npm run config-validator`): no schema
 * library is loaded at run time.
 */
export const CONFIG_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://dx-runner.dev/schemas/config.json',
  title: 'dx-runner config',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: {type: 'string'},
    artifact_root: {type: 'string', minLength: 1, pattern: '^/'},
    allowed_prefixes: {type: 'array', items: {type: 'string', minLength: 1, pattern: '^/'}},
    default_provider: {type: 'string', minLength: 1},
    fallback_providers: {type: 'object', additionalProperties: {type: 'array', items: {type: 'string', minLength: 1}}},
    fallback_models: {type: 'object', additionalProperties: {type: 'array', items: {type: 'string', minLength: 1}}},
    max_parallel: {type: 'object', additionalProperties: {type: 'integer', minimum: 1}},
    queue_timeout_sec: {type: 'number', minimum: 0},
    evidence: EVIDENCE_COMMANDS_SCHEMA,
    thresholds: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(THRESHOLD_SETTINGS.filter((t) => t.config).map((t) => [t.config, {type: 'number', minimum: 0}])),
    },
    log_retention: {type: 'object', additionalProperties: false, properties: {keep_logs: {type: 'integer', minimum: 1}}},
    hosts: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['ssh'],
        properties: {
          ssh: {type: 'string', minLength: 1, pattern: '^[^-\\s]'},
          dx_runner: {type: 'string', minLength: 1},
          dx_runner_home: {type: 'string', minLength: 1},
          ssh_config: {type: 'string', minLength: 1},
          connect_timeout_seconds: {type: 'number', minimum: 1},
        },
      },
    },
  },
}

/** What a failed `pattern` means, in the words the error line uses. */
export const PATTERN_MEANING: Record<string, string> = {
  '^/': 'must be an absolute path',
  '^[^-\\s]': 'must not start with "-" or a space',
}
