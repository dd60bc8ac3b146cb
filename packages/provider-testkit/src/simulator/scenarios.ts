/** What the simulated model service does with a request. */
export const SCENARIOS = ['answer', 'write-file', 'hang', 'slow', '401', '429', 'malformed', 'error-result', 'write-outside', 'run-command'] as const
export type Scenario = (typeof SCENARIOS)[number]

export function isScenario(s: string | undefined): s is Scenario {
  return s !== undefined && (SCENARIOS as readonly string[]).includes(s)
}

/** The file the write-file scenario asks the agent to create in its working directory. */
export const SIM_OUTPUT_FILE = 'sim-output.txt'

/** Models the simulated OpenAI-compatible service lists at GET /v1/models unless told otherwise. */
export const SIM_DEFAULT_MODELS = ['glm-5', 'glm-4.6'] as const
