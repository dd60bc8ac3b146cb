import type {JobMeta} from '../store/job-meta.js'

/** Seconds after an attempt starts at which the no-mutation budget judges it (README "Run budgets"); undefined: no budget. Pure. */
export function noMutationDeadlineSec(meta: Pick<JobMeta, 'no_mutation_timeout_sec' | 'first_mutation_grace_sec'>): number | undefined {
  const n = meta.no_mutation_timeout_sec
  if (typeof n !== 'number' || !(n > 0)) return undefined
  const grace = meta.first_mutation_grace_sec
  return n + (typeof grace === 'number' && grace > 0 ? grace : 0)
}

/** What an observer knows of a live job that the no-mutation backstop needs. */
export interface BudgetFacts {
  now: number
  /** When this attempt started (ms). */
  startedMs: number
  agentAlive: boolean
  monitorAlive: boolean
  /** A supervisor was recorded, so there is a process group to end. */
  groupRecorded: boolean
  /** Mutations were counted in this observation. */
  mutationsCounted: boolean
  /** Every count known: counted now, and as last recorded (snapshot, heartbeat). */
  mutationCounts: number[]
}

/**
 * The observer's backstop for the no-mutation budget: the agent runs past its deadline, its supervisor
 * (which enforces the budget) is gone, and a count taken now and every count recorded before say the
 * worktree is unchanged. Pure.
 */
export function overNoMutationBudget(meta: Pick<JobMeta, 'no_mutation_timeout_sec' | 'first_mutation_grace_sec'>, f: BudgetFacts): boolean {
  const deadline = noMutationDeadlineSec(meta)
  if (deadline === undefined || f.now < f.startedMs + deadline * 1000) return false
  return f.agentAlive && !f.monitorAlive && f.groupRecorded && f.mutationsCounted && f.mutationCounts.every((n) => n === 0)
}
