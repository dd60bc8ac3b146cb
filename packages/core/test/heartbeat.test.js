import {expect} from 'chai'
import {advanceHeartbeat, DEFAULT_THRESHOLDS} from '../dist/index.js'

const T0 = Date.parse('2026-11-24T12:00:00Z')
const sample = {log_bytes: 0, cpu_ticks: 0, mutation_count: 0, tool_calls: 0, agent_alive: true}

describe('advanceHeartbeat', () => {
  it('starts at the attempt start', () => {
    const {heartbeat} = advanceHeartbeat(undefined, sample, DEFAULT_THRESHOLDS, T0 + 1000, T0)
    expect(heartbeat.attempt_started_at).to.equal(new Date(T0).toISOString())
    expect(heartbeat.last_progress_at).to.equal(new Date(T0).toISOString())
  })

  it('takes log progress from the log mtime', () => {
    const {heartbeat: h0} = advanceHeartbeat(undefined, sample, DEFAULT_THRESHOLDS, T0 + 1000, T0)
    const {heartbeat} = advanceHeartbeat(h0, {...sample, log_bytes: 10, log_mtime_ms: T0 + 5000}, DEFAULT_THRESHOLDS, T0 + 9000, T0)
    expect(heartbeat.last_progress_at).to.equal(new Date(T0 + 5000).toISOString())
    expect(heartbeat.last_progress_kind).to.equal('log')
  })

  it('counts CPU as progress only above the ratio', () => {
    const {heartbeat: h0} = advanceHeartbeat(undefined, sample, DEFAULT_THRESHOLDS, T0, T0)
    // 1 tick over 100 s: an idle process's housekeeping, not work
    const idle = advanceHeartbeat(h0, {...sample, cpu_ticks: 1}, DEFAULT_THRESHOLDS, T0 + 100_000, T0)
    expect(idle.cpuProgressing).to.equal(false)
    expect(idle.heartbeat.last_progress_at).to.equal(new Date(T0).toISOString())
    // 50 ticks over 10 s: half a core
    const busy = advanceHeartbeat(h0, {...sample, cpu_ticks: 50}, DEFAULT_THRESHOLDS, T0 + 10_000, T0)
    expect(busy.cpuProgressing).to.equal(true)
    expect(busy.heartbeat.last_progress_kind).to.equal('cpu')
  })

  it('does not judge CPU on samples less than a second apart', () => {
    const {heartbeat: h0} = advanceHeartbeat(undefined, sample, DEFAULT_THRESHOLDS, T0, T0)
    const r = advanceHeartbeat(h0, {...sample, cpu_ticks: 50}, DEFAULT_THRESHOLDS, T0 + 200, T0)
    expect(r.cpuProgressing).to.equal(false)
    expect(r.heartbeat.cpu_ticks).to.equal(0)
  })

  it('marks mutation and tool progress', () => {
    const {heartbeat: h0} = advanceHeartbeat(undefined, sample, DEFAULT_THRESHOLDS, T0, T0)
    const m = advanceHeartbeat(h0, {...sample, mutation_count: 2}, DEFAULT_THRESHOLDS, T0 + 3000, T0)
    expect(m.heartbeat.last_progress_kind).to.equal('mutation')
    const tl = advanceHeartbeat(m.heartbeat, {...sample, mutation_count: 2, tool_calls: 1}, DEFAULT_THRESHOLDS, T0 + 4000, T0)
    expect(tl.heartbeat.last_progress_kind).to.equal('tool')
  })

  it('remembers when the agent was first seen gone', () => {
    const {heartbeat: h0} = advanceHeartbeat(undefined, sample, DEFAULT_THRESHOLDS, T0, T0)
    const d1 = advanceHeartbeat(h0, {...sample, agent_alive: false}, DEFAULT_THRESHOLDS, T0 + 1000, T0)
    const d2 = advanceHeartbeat(d1.heartbeat, {...sample, agent_alive: false}, DEFAULT_THRESHOLDS, T0 + 9000, T0)
    expect(d2.heartbeat.dead_since).to.equal(new Date(T0 + 1000).toISOString())
  })
})
