import {SIM_OUTPUT_FILE} from './scenarios.js'

/** Shared by the simulated APIs (internal: not exported from the package). */

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

/** The run-command scenario runs, through the shell tool, the command on the prompt's `RUN: <command>` line. */
const RUN_LINE = /^RUN: (.+)$/m

/** The command a prompt asks the run-command scenario to run, from every text the request carries. */
export function commandFromTexts(texts: readonly string[]): string | undefined {
  for (const t of texts) {
    const m = RUN_LINE.exec(t)
    if (m) return m[1].trim()
  }
  return undefined
}

/** Every text in a message's content, whether a string or a list of blocks/parts with `text`. */
export function textsOf(content: unknown): string[] {
  if (typeof content === 'string') return [content]
  if (!Array.isArray(content)) return []
  return content.flatMap((c) => (c && typeof (c as {text?: unknown}).text === 'string' ? [(c as {text: string}).text] : []))
}

/** `text` in about `n` pieces, for the slow scenario's many deltas. */
export function splitInto(text: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / n))
  const out: string[] = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out
}
