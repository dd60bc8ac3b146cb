import type {Telemetry} from '@dx-runner/provider'
import type {JobMeta} from '../store/job-meta.js'

/** A job's money and token budgets as its meta records them (start --max-cost-usd / --max-tokens; README "Run budgets"). */
export type CostBudgets = Pick<JobMeta, 'max_cost_usd' | 'max_tokens'>

/** What the agent reported it used; null: it did not say (a provider that reports tokens but no price leaves cost unknown). */
export interface BudgetUsage {
  tokens: number | null
  cost_usd: number | null
}

/** Which budget a job passed. */
export type BudgetPassed = 'max_cost_usd' | 'max_tokens'

/** The usage the log reported, as the budgets count it: tokens = input + output (cache reads included, as the CLI reports them). Pure. */
export function budgetUsage(t: Telemetry): BudgetUsage {
  const tokens = t.input_tokens === undefined && t.output_tokens === undefined ? null : (t.input_tokens ?? 0) + (t.output_tokens ?? 0)
  return {tokens, cost_usd: t.cost_usd ?? null}
}

const set = (n: number | null | undefined): n is number => typeof n === 'number' && n > 0

/** The job has a money or token budget at all. Pure. */
export function hasCostBudget(b: CostBudgets): boolean {
  return set(b.max_cost_usd) || set(b.max_tokens)
}

/**
 * The budget the usage passed (strictly more than the budget), cost first; undefined: within both, or
 * the usage that would judge it is unknown (no cost reported: only max_tokens can apply). Pure.
 */
export function budgetPassed(b: CostBudgets, usage: BudgetUsage): BudgetPassed | undefined {
  if (set(b.max_cost_usd) && usage.cost_usd !== null && usage.cost_usd > b.max_cost_usd) return 'max_cost_usd'
  if (set(b.max_tokens) && usage.tokens !== null && usage.tokens > b.max_tokens) return 'max_tokens'
  return undefined
}
