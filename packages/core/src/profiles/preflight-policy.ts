import type {PreflightCheck, PreflightReport} from '@dx-runner/provider'
import type {CheckPolicy} from './profile.js'

/** The profile's preflight policy: per check `error` (the default: a failure blocks) or `warn`; strict turns every warning into a failure. */
export interface PreflightPolicy {
  strict: boolean
  checks: Record<string, CheckPolicy>
}

export interface PreflightVerdict {
  /** failed checks whose policy is `error`: start stops, as without a policy */
  failures: PreflightCheck[]
  /** failed checks whose policy is `warn`: start goes on and prints each on stderr */
  downgraded: PreflightCheck[]
  /** strict: the warnings (downgraded failures and checks that only warned) that now block start */
  strictFailures: PreflightCheck[]
}

/** Judge a preflight report under a policy. Without a policy: exactly the report's own verdict. Pure. */
export function judgePreflight(report: PreflightReport, policy?: PreflightPolicy): PreflightVerdict {
  const policyOf = (c: PreflightCheck) => policy?.checks[c.name] ?? 'error'
  const failed = report.checks.filter((c) => c.status === 'fail')
  const failures = failed.filter((c) => policyOf(c) === 'error')
  const downgraded = failed.filter((c) => policyOf(c) === 'warn')
  const warned = report.checks.filter((c) => c.status === 'warn')
  const strictFailures = policy?.strict ? [...downgraded, ...warned] : []
  // a report that failed without naming a check (a provider's own verdict) still fails
  if (!report.passed && failed.length === 0) return {failures: [{name: 'preflight', status: 'fail', detail: report.reason_code ?? 'failed'}], downgraded: [], strictFailures}
  return {failures, downgraded: policy?.strict ? [] : downgraded, strictFailures}
}
