import {SIM_OUTPUT_FILE} from './scenarios.js'

/** Shared by the three simulated APIs (internal: not exported from the package). */

let counter = 0
/** A unique, API-looking id: `<prefix>_sim…`. */
export const nextId = (prefix: string): string => `${prefix}_sim${Date.now().toString(36)}${(counter++).toString(36)}`

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Rough token count of a request body, so usage figures are plausible and non-zero. */
export const inputTokens = (body: string): number => Math.max(1, Math.round(body.length / 4))

/** What the write-file scenario has the agent write into SIM_OUTPUT_FILE. */
export const SIM_OUTPUT_TEXT = 'written by the dx-runner simulator'

/** The write-file scenario's shell tool call arguments (every CLI's shell tool takes command + description). */
export const SHELL_WRITE_ARGS = {command: `echo '${SIM_OUTPUT_TEXT}' > ${SIM_OUTPUT_FILE}`, description: `Create ${SIM_OUTPUT_FILE}`}
