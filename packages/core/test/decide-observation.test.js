import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {DEFAULT_THRESHOLDS, decideObservation, HEALTH_STATES, jobPaths, LOOK_ONLY, OBSERVERS, REASON_CODES} from '../dist/index.js'
import {NOT_HEALTH, STATE_REASONS, statePairs} from './state-reasons.js'

const NOW = Date.parse('2026-11-24T12:00:00Z')
const sec = 1000
const min = 60 * sec
const iso = (ms) => new Date(ms).toISOString()
const t = DEFAULT_THRESHOLDS
const ACT = OBSERVERS.status
const paths = jobPaths('/nonexistent-dx-root', 'cc-glm', 'bd-t')
const meta = {
  schema_version: 1, beads: 'bd-t', provider: 'cc-glm', worktree: '/w', repo: null, prompt_file: '/p', model: null, selected_model: 'glm-5',
  fallback_reason: '', execution_mode: 'detached', retries: 0, created_at: iso(NOW - 10 * min), timeout_sec: null,
}
const snapshot = {is_git: true, base_head: 'abc', dirty_at_start: [], started_at: iso(NOW - 2 * min), count: 0, observed_at: iso(NOW - 10 * sec)}
const hb = (over = {}) => ({
  attempt_started_at: iso(NOW - 2 * min), observed_at: iso(NOW - 30 * sec), log_bytes: 100, cpu_ticks: 0, cpu_observed_at: iso(NOW - 30 * sec),
  mutation_count: 0, mutation_observed_at: iso(NOW - 10 * sec), tool_calls: 0, last_progress_at: iso(NOW - 30 * sec), last_progress_kind: 'log', ...over,
})
const reading = (over = {}) => ({telemetry: {}, retrying: false, authRefused: false, ...over})
const rcOk = (exit_code, over = {}) => ({kind: 'ok', value: {exit_code, leftover: 0, disk_full: false, ...over}})

/** A job running and writing to its log. */
const live = {
  paths, now: NOW, metaState: 'ok', meta, log: {size: 200, mtimeMs: NOW - sec},
  agentId: {pid: 4242, starttime: 100, boot_id: 'b'}, monitorId: {pid: 4241, starttime: 99, boot_id: 'b'}, agentAlive: true, monitorAlive: true,
  bootMs: NOW - 3600 * sec, prevHeartbeat: hb(), snapshot, mutationCount: 0, mutationsCounted: false, rc: {kind: 'missing'}, stopIntent: 'none',
  reading: reading(), cpuTimesRead: false,
}
/** A job whose agent ended and whose rc is written, not yet classified. */
const ended = {
  ...live, agentAlive: false, monitorAlive: false, rc: rcOk(0), rcMtimeMs: NOW - 5 * sec, mutationCount: 2, mutationsCounted: true,
  classified: {state: 'success', reason_code: 'outcome_exit_0'}, cpuTimes: 1.5, cpuTimesRead: true,
}
/** A scope check that found `paths` outside the job's allowed paths, and one that found nothing wrong. */
const scopeFailed = (paths = ['secret.txt']) => ({gate: 'scope', passed: false, reason_code: 'path_outside_allowlist', details: {violations: ['path_outside_allowlist'], outside_allowlist: paths, changed_files: paths.length, changed_lines: 1, mutation_budget: null, file_budget: null}})
const scopePassed = {gate: 'scope', passed: true, reason_code: null, details: {violations: [], outside_allowlist: [], changed_files: 1, changed_lines: 1}}
const recorded = (state, reason_code) => ({
  ...live, agentAlive: false, monitorAlive: false, rc: rcOk(state === 'success' || state === 'no_op' ? 0 : 1), cpuTimesRead: true, reading: undefined,
  outcome: {provider: 'cc-glm', selected_model: 'glm-5', reason_code, fallback_reason: '', state, execution_mode: 'detached', started_at: iso(NOW - 2 * min), completed_at: iso(NOW - min), exit_code: 0},
})
const classified = (state, reason_code, rc = 1) => ({...ended, rc: rcOk(rc), classified: {state, reason_code}})

// [what the job is doing, facts, state, reason_code, actions a recording observer takes, recorded outcome {state, reason_code}]
const cases = [
  ['its log grew', live, 'healthy', 'log_progress', ['record_heartbeat']],
  ['it made a tool call', {...live, log: {size: 100, mtimeMs: NOW - min}, prevHeartbeat: hb({tool_calls: 1}), reading: reading({telemetry: {tool_calls: 3}})}, 'healthy', 'tool_progress', ['record_heartbeat']],
  ['it changed the worktree', {...live, log: {size: 100, mtimeMs: NOW - min}, mutationCount: 2, mutationsCounted: true}, 'healthy', 'mutation_progress', ['record_mutations', 'record_heartbeat']],
  ['its group used CPU', {...live, log: {size: 100, mtimeMs: NOW - min}, groupCpuTicks: 3000}, 'healthy', 'cpu_progress', ['record_heartbeat']],
  ['its CLI is retrying the service', {...live, reading: reading({retrying: true})}, 'healthy', 'provider_retrying', ['record_heartbeat']],
  ['its agent just exited, rc not yet written', {...live, agentAlive: false}, 'healthy', 'awaiting_finalize', ['record_heartbeat']],
  ['its agent exited long ago, the supervisor lives, no rc', {...live, agentAlive: false, prevHeartbeat: hb({dead_since: iso(NOW - 11 * sec)})}, 'exited_err', 'late_finalize_no_rc', ['record_heartbeat']],
  ['agent and supervisor gone, no rc', {...live, agentAlive: false, monitorAlive: false}, 'exited_err', 'monitor_no_rc_file', ['record_heartbeat', 'record_outcome'], {state: 'failed', reason_code: 'monitor_no_rc_file'}],
  ['agent and supervisor gone, no rc, its no-mutation budget had ended it (the marker)', {...live, agentAlive: false, monitorAlive: false, noMutationTimedOut: true}, 'exited_err', 'no_mutation_timeout', ['record_heartbeat', 'record_outcome'], {state: 'failed', reason_code: 'no_mutation_timeout'}],
  ['agent and supervisor gone, no rc, an interrupted stop', {...live, agentAlive: false, monitorAlive: false, stopIntent: 'interrupted'}, 'exited_err', 'stopped_by_user', ['record_heartbeat', 'record_outcome'], {state: 'killed', reason_code: 'stopped_by_user'}],
  ['agent gone past grace while a stop runs', {...live, agentAlive: false, prevHeartbeat: hb({dead_since: iso(NOW - 11 * sec)}), stopIntent: 'in_progress'}, 'exited_err', 'stopped_by_user', ['record_heartbeat', 'record_outcome'], {state: 'killed', reason_code: 'stopped_by_user'}],
  ['its CLI says the key was refused', {...live, reading: reading({authRefused: true})}, 'exited_err', 'provider_auth_failed', ['record_heartbeat', 'end_refused_job'], {state: 'failed', reason_code: 'provider_auth_failed'}],
  ['past its no-mutation deadline, nothing changed, its supervisor gone (the backstop)', {...live, meta: {...meta, no_mutation_timeout_sec: 60}, monitorAlive: false, mutationsCounted: true}, 'exited_err', 'no_mutation_timeout', ['record_mutations', 'record_heartbeat', 'end_refused_job'], {state: 'failed', reason_code: 'no_mutation_timeout'}],
  ['past its no-mutation deadline, nothing changed, its supervisor alive (it enforces the budget)', {...live, meta: {...meta, no_mutation_timeout_sec: 60}, mutationsCounted: true}, 'healthy', 'log_progress', ['record_mutations', 'record_heartbeat']],
  ['its reported cost passed its --max-cost-usd', {...live, meta: {...meta, max_cost_usd: 0.1}, reading: reading({telemetry: {input_tokens: 900, output_tokens: 40, cost_usd: 0.19}})}, 'exited_err', 'budget_exceeded', ['record_heartbeat', 'end_refused_job'], {state: 'failed', reason_code: 'budget_exceeded'}],
  ['its reported tokens passed its --max-tokens, no cost reported', {...live, meta: {...meta, max_tokens: 500}, reading: reading({telemetry: {input_tokens: 450, output_tokens: 51}})}, 'exited_err', 'budget_exceeded', ['record_heartbeat', 'end_refused_job'], {state: 'failed', reason_code: 'budget_exceeded'}],
  ['a --max-cost-usd, tokens reported but no cost (unknown: not judged)', {...live, meta: {...meta, max_cost_usd: 0.01}, reading: reading({telemetry: {input_tokens: 100000, output_tokens: 100}})}, 'healthy', 'log_progress', ['record_heartbeat']],
  ['within its --max-cost-usd and --max-tokens', {...live, meta: {...meta, max_cost_usd: 1, max_tokens: 5000}, reading: reading({telemetry: {input_tokens: 4000, output_tokens: 1000, cost_usd: 1}})}, 'healthy', 'log_progress', ['record_heartbeat']],
  ['past its budget, no recorded supervisor (no group to end): not ended', {...live, monitorId: undefined, meta: {...meta, max_cost_usd: 0.1}, reading: reading({telemetry: {cost_usd: 0.2}})}, 'healthy', 'log_progress', ['record_heartbeat']],
  ['it changed a path outside its scope', {...live, mutationCount: 1, mutationsCounted: true, scopeCheck: scopeFailed()}, 'exited_err', 'scope_violation', ['record_mutations', 'record_heartbeat', 'record_scope_violation', 'end_refused_job'], {state: 'failed', reason_code: 'scope_violation'}],
  ['it changed only paths inside its scope', {...live, log: {size: 100, mtimeMs: NOW - min}, mutationCount: 1, mutationsCounted: true, scopeCheck: scopePassed}, 'healthy', 'mutation_progress', ['record_mutations', 'record_heartbeat']],
  ['ended with success, leaving a path outside its scope', {...ended, scopeCheck: scopeFailed()}, 'exited_err', 'scope_violation', ['record_mutations', 'record_scope_violation', 'record_outcome'], {state: 'failed', reason_code: 'scope_violation'}],
  ['just started, no output', {...live, log: {size: 0}, prevHeartbeat: undefined, snapshot: undefined, meta: {...meta, created_at: iso(NOW - 5 * sec)}}, 'launching', 'awaiting_first_output', ['record_heartbeat']],
  ['past the first-output window, idle', {...live, log: {size: 0}, prevHeartbeat: hb({log_bytes: 0, last_progress_at: iso(NOW - 2 * min)})}, 'waiting_first_output', 'awaiting_first_output', ['record_heartbeat']],
  ['past the first-output window, using CPU', {...live, log: {size: 0}, prevHeartbeat: hb({log_bytes: 0, last_progress_at: iso(NOW - 2 * min)}), groupCpuTicks: 3000}, 'waiting_first_output', 'cpu_progress', ['record_heartbeat']],
  ['no output, the worktree changed', {...live, log: {size: 0}, prevHeartbeat: hb({log_bytes: 0}), mutationCount: 2, mutationsCounted: true}, 'silent_mutation', 'mutation_progress', ['record_mutations', 'record_heartbeat']],
  ['no progress for the stall window, with mutations', {...live, log: {size: 100, mtimeMs: NOW - 21 * min}, prevHeartbeat: hb({attempt_started_at: iso(NOW - 30 * min), mutation_count: 3, last_progress_at: iso(NOW - 21 * min)}), mutationCount: 3}, 'stalled', 'no_progress', ['record_heartbeat']],
  ['no progress for the no-op window, no mutations', {...live, log: {size: 100, mtimeMs: NOW - 6 * min}, prevHeartbeat: hb({attempt_started_at: iso(NOW - 30 * min), last_progress_at: iso(NOW - 6 * min)})}, 'no_op', 'no_heartbeat_no_mutation', ['record_heartbeat']],
  ['ended, the provider says success, the worktree changed', ended, 'exited_ok', 'outcome_exit_0', ['record_mutations', 'record_outcome'], {state: 'success', reason_code: 'outcome_exit_0'}],
  ['ended, the provider says success, nothing changed', {...ended, mutationCount: 0}, 'exited_ok', 'exit_0_no_mutation', ['record_mutations', 'record_outcome'], {state: 'no_op', reason_code: 'exit_0_no_mutation'}],
  ['ended with 0, its provider not installed', {...ended, classified: undefined, mutationsCounted: false}, 'exited_err', 'provider_not_installed', []],
  ['ended with 1, its provider not installed', {...ended, rc: rcOk(1), classified: undefined, mutationsCounted: false}, 'exited_err', 'provider_not_installed', []],
  ...['process_exit_with_rc', 'provider_error_result', 'provider_auth_failed', 'provider_rate_limited', 'provider_model_unavailable', 'provider_unreachable', 'timeout'].map((r) => [
    `ended, the provider says ${r}`, classified('failed', r), 'exited_err', r, ['record_mutations', 'record_outcome'], {state: 'failed', reason_code: r},
  ]),
  ['ended with success over its --max-cost-usd', {...ended, meta: {...meta, max_cost_usd: 0.05}, reading: reading({telemetry: {input_tokens: 38202, output_tokens: 44, cost_usd: 0.19}})}, 'exited_err', 'budget_exceeded', ['record_mutations', 'record_outcome'], {state: 'failed', reason_code: 'budget_exceeded'}],
  ['ended with success over its --max-tokens', {...ended, meta: {...meta, max_tokens: 1000}, reading: reading({telemetry: {input_tokens: 38202, output_tokens: 44}})}, 'exited_err', 'budget_exceeded', ['record_mutations', 'record_outcome'], {state: 'failed', reason_code: 'budget_exceeded'}],
  ['ended with success within its budgets', {...ended, meta: {...meta, max_cost_usd: 5, max_tokens: 100000}, reading: reading({telemetry: {input_tokens: 38202, output_tokens: 44, cost_usd: 0.19}})}, 'exited_ok', 'outcome_exit_0', ['record_mutations', 'record_outcome'], {state: 'success', reason_code: 'outcome_exit_0'}],
  ['ended by its no-mutation budget (the marker is there)', {...classified('failed', 'process_exit_with_rc', 143), mutationCount: 0, noMutationTimedOut: true}, 'exited_err', 'no_mutation_timeout', ['record_mutations', 'record_outcome'], {state: 'failed', reason_code: 'no_mutation_timeout'}],
  ['ended by its no-mutation budget, exit 0 in the same instant', {...ended, mutationCount: 0, noMutationTimedOut: true}, 'exited_err', 'no_mutation_timeout', ['record_mutations', 'record_outcome'], {state: 'failed', reason_code: 'no_mutation_timeout'}],
  ['ended by its no-mutation budget while a stop runs', {...classified('failed', 'process_exit_with_rc', 143), mutationCount: 0, noMutationTimedOut: true, stopIntent: 'in_progress'}, 'exited_err', 'stopped_by_user', ['record_mutations', 'record_outcome'], {state: 'killed', reason_code: 'stopped_by_user'}],
  ['ended, a corrupt rc, the provider says success', {...ended, rc: {kind: 'corrupt', detail: 'x'}}, 'exited_err', 'process_exit_with_rc', ['record_mutations', 'record_outcome'], {state: 'failed', reason_code: 'process_exit_with_rc'}],
  ['ended while the root was full', {...ended, rc: rcOk(0, {disk_full: true})}, 'exited_err', 'disk_full', ['record_mutations', 'record_outcome'], {state: 'failed', reason_code: 'disk_full'}],
  ['ended while a stop runs', {...ended, stopIntent: 'in_progress'}, 'exited_err', 'stopped_by_user', ['record_mutations', 'record_outcome'], {state: 'killed', reason_code: 'stopped_by_user'}],
  ['ended by a signal after an interrupted stop', {...classified('failed', 'process_exit_with_rc', 143), stopIntent: 'interrupted'}, 'exited_err', 'stopped_by_user', ['record_mutations', 'record_outcome'], {state: 'killed', reason_code: 'stopped_by_user'}],
  ['ended by itself after an interrupted stop', {...classified('failed', 'provider_error_result', 1), stopIntent: 'interrupted'}, 'exited_err', 'provider_error_result', ['record_mutations', 'record_outcome'], {state: 'failed', reason_code: 'provider_error_result'}],
  ['recorded success', recorded('success', 'outcome_exit_0'), 'exited_ok', 'outcome_exit_0', []],
  ['recorded, nothing changed', recorded('no_op', 'exit_0_no_mutation'), 'exited_ok', 'exit_0_no_mutation', []],
  ['recorded stopped', recorded('killed', 'stopped_by_user'), 'exited_err', 'stopped_by_user', []],
  ['recorded, over its money or token budget', recorded('failed', 'budget_exceeded'), 'exited_err', 'budget_exceeded', []],
  ['recorded, ended by its no-mutation budget', recorded('failed', 'no_mutation_timeout'), 'exited_err', 'no_mutation_timeout', []],
  ['recorded rate limited', recorded('failed', 'provider_rate_limited'), 'exited_err', 'provider_rate_limited', []],
  ['blocked, retries spent', {...live, meta: {...meta, blocked: {reason_code: 'retries_exhausted', at: iso(NOW - min)}}}, 'blocked', 'retries_exhausted', []],
  ['blocked, key refused', {...live, meta: {...meta, blocked: {reason_code: 'provider_auth_failed', at: iso(NOW - min)}}}, 'blocked', 'provider_auth_failed', []],
  ['queued (start --queue), never launched', {...live, meta: {...meta, queue: {max_parallel: 2, queued_at: iso(NOW - min), seq: 7}}, agentId: undefined, monitorId: undefined, agentAlive: false, monitorAlive: false, log: {size: 0}, prevHeartbeat: undefined, snapshot: undefined, reading: undefined}, 'queued', 'queued', []],
  ['queued, its launch failed when its turn came', recorded('failed', 'queued_launch_failed'), 'exited_err', 'queued_launch_failed', []],
  ['no meta', {...live, metaState: 'missing', meta: undefined}, 'missing', 'no_metadata', []],
  ['an unreadable meta', {...live, metaState: 'corrupt', meta: undefined}, 'missing', 'metadata_corrupt', []],
]

describe('decideObservation: every state and reason code', () => {
  for (const [name, facts, state, reason, actions, outcome] of cases) {
    it(`${name} → ${state}/${reason}, ${actions.length ? actions.join(' then ') : 'nothing to record'}`, () => {
      const d = decideObservation(facts, {thresholds: t, may: ACT})
      expect({state: d.view.state, reason_code: d.view.reason_code}).to.deep.equal({state, reason_code: reason})
      expect(d.actions.map((a) => a.do)).to.deep.equal(actions)
      const written = d.actions.find((a) => a.do === 'record_outcome' || a.do === 'end_refused_job')
      expect(written && {state: written.outcome.state, reason_code: written.outcome.reason_code}).to.deep.equal(outcome)
      if (written) expect(d.view.outcome).to.deep.equal(written.outcome)
    })
  }

  it('covers every state with every reason code it can take, and every reason code of a job', () => {
    const seen = new Set(cases.map((c) => `${c[2]}/${c[3]}`))
    expect([...seen].sort()).to.deep.equal(statePairs().sort())
    expect(Object.keys(STATE_REASONS).sort()).to.deep.equal([...HEALTH_STATES].sort())
    const reasons = new Set(Object.values(STATE_REASONS).flat())
    for (const r of REASON_CODES) if (!NOT_HEALTH.has(r)) expect(reasons.has(r), `${r} has a state`).to.equal(true)
  })

  it('an observer that may change nothing gets no action in any case', () => {
    for (const [name, facts] of cases) expect(decideObservation(facts, {thresholds: t, may: LOOK_ONLY}).actions, name).to.deep.equal([])
  })

  it('a look-only observer does not end a refused job: it reads as running', () => {
    const d = decideObservation({...live, reading: reading({authRefused: true})}, {thresholds: t, may: LOOK_ONLY})
    expect([d.view.state, d.view.reason_code, d.view.outcome]).to.deep.equal(['healthy', 'log_progress', undefined])
  })

  it('a refused job with no recorded supervisor is not ended (there is no group to end)', () => {
    const d = decideObservation({...live, monitorId: undefined, reading: reading({authRefused: true})}, {thresholds: t, may: ACT})
    expect(d.actions.map((a) => a.do)).to.deep.equal(['record_heartbeat'])
  })

  it('agent and supervisor gone: dead_since is put back by the grace window, and the outcome ends then', () => {
    const d = decideObservation({...live, agentAlive: false, monitorAlive: false}, {thresholds: t, may: ACT})
    const gone = iso(NOW - t.rcGraceSec * sec)
    expect(d.actions[0].heartbeat.dead_since).to.equal(gone)
    expect(d.actions[1]).to.deep.include({adopt: false})
    expect(d.actions[1].outcome.completed_at).to.equal(gone)
    expect(d.actions[1].outcome.exit_code).to.equal(null)
  })

  it('an ended job: the outcome keeps its exit status, leftover processes and rc time; the view follows whoever records first', () => {
    const d = decideObservation({...ended, rc: rcOk(0, {leftover: 2})}, {thresholds: t, may: ACT})
    const a = d.actions.find((x) => x.do === 'record_outcome')
    expect(a.adopt).to.equal(true)
    expect(a.outcome).to.deep.include({exit_code: 0, leftover_processes: 2, completed_at: iso(NOW - 5 * sec), started_at: iso(NOW - 2 * min)})
    expect(d.view).to.deep.include({exit_code: 0, completed_at: iso(NOW - 5 * sec), elapsed_sec: 115, cpu_time_sec: 1.5})
    expect(d.actions.find((x) => x.do === 'record_mutations').snapshot).to.deep.include({count: 2, observed_at: iso(NOW)})
  })

  it('a recorded outcome shows the leftovers the supervisor counted after it', () => {
    const f = recorded('success', 'outcome_exit_0')
    const d = decideObservation({...f, rc: rcOk(0, {leftover: 3})}, {thresholds: t, may: ACT})
    expect(d.view.outcome.leftover_processes).to.equal(3)
  })

  it('an ended job whose provider is not installed records nothing and reads as ended when its rc was written', () => {
    const d = decideObservation({...ended, classified: undefined, mutationsCounted: false}, {thresholds: t, may: ACT})
    expect(d.view).to.deep.include({outcome: undefined, exit_code: 0, completed_at: iso(NOW - 5 * sec), elapsed_sec: 115})
  })
})

describe('who may change a job by looking at it', () => {
  it('is one table: status, check, report, stop, the watchdog and wait record and end refused agents; its re-check changes nothing', () => {
    expect(OBSERVERS).to.deep.equal({
      status: {record: true, endRefused: true},
      check: {record: true, endRefused: true},
      report: {record: true, endRefused: true},
      stop: {record: true, endRefused: true},
      watchdog: {record: true, endRefused: true},
      wait: {record: true, endRefused: true},
      'watchdog-recheck': {record: false, endRefused: false},
    })
  })

  it('the README shows the same table', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
    const yes = (b) => (b ? 'yes' : 'no')
    for (const [name, p] of Object.entries(OBSERVERS)) {
      expect(readme, name).to.match(new RegExp(`\\n\\| \`${name}\`[^|\\n]*\\| ${yes(p.record)} \\| ${yes(p.endRefused)} \\|`))
    }
  })
})
