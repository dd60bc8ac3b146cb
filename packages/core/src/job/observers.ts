/** What looking at a job may change on disk. */
export interface ObserverPowers {
  /** Record what was learnt: the heartbeat, the mutation count, and the outcome of a job that ended. */
  record: boolean
  /** End an agent whose key the service refused, then record it `provider_auth_failed`. */
  endRefused: boolean
}

/** Looking without changing anything. */
export const LOOK_ONLY: ObserverPowers = {record: false, endRefused: false}

/**
 * Which commands may change a job by observing it (README "Who changes a job by looking at it"). The one
 * place this is decided: observeJob takes the command's name, never a flag.
 */
export const OBSERVERS = {
  status: {record: true, endRefused: true},
  check: {record: true, endRefused: true},
  report: {record: true, endRefused: true},
  /** The look after its signals, to say what the job now is. */
  stop: {record: true, endRefused: true},
  /** Each round's look at every job. */
  watchdog: {record: true, endRefused: true},
  /** `wait`'s every look, until the jobs are done: it records like status, so its verdicts are status's and a job that ended is recorded at once. */
  wait: {record: true, endRefused: true},
  /** The second look under the job's lock before a restart or block: it only confirms the decision. */
  'watchdog-recheck': {record: false, endRefused: false},
} as const satisfies Record<string, ObserverPowers>

export type Observer = keyof typeof OBSERVERS

export function observerPowers(observer: Observer): ObserverPowers {
  return OBSERVERS[observer]
}
