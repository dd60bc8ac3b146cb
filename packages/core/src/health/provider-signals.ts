import type {TelemetryEvent} from '@dx-runner/provider'

/** What a live agent's log says about its model service, beyond progress. */
export interface ProviderSignals {
  /** The CLI is backing off and will try the service again (a 429, a 5xx, or no answer at all). */
  retrying: boolean
  /** The service refused the key: the agent may be ended at once, it will not get better. */
  authRefused: boolean
}

export const NO_SIGNALS: ProviderSignals = {retrying: false, authRefused: false}

const AUTH_STATUSES = new Set([401, 403])

/**
 * A line the CLI wrote as one of its own JSON events. Tools' output reaches the log inside such events
 * (a tool result) or as plain lines; only the CLI's events are its word about the service.
 */
export function isStructuredLine(line: string): boolean {
  const t = line.trim()
  return t.startsWith('{') && t.endsWith('}')
}

/**
 * Fold one parsed log line into the signals. Pure. A refused key is believed only from a structured
 * event (claude's api_retry, an opencode or gemini error event): any tool may print "HTTP 403".
 */
export function foldSignals(s: ProviderSignals, e: TelemetryEvent, structured: boolean): ProviderSignals {
  const refused = structured && (e.kind === 'retry' || e.kind === 'error') && e.status !== undefined && AUTH_STATUSES.has(e.status)
  const authRefused = s.authRefused || refused
  if (e.kind === 'retry') return {retrying: true, authRefused}
  // text and errors do not end a retry (claude prints a synthetic message before its result, gemini a stack trace)
  if (e.kind === 'text' || e.kind === 'error') return {retrying: s.retrying, authRefused}
  return {retrying: false, authRefused}
}
