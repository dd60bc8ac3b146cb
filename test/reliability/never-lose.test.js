// Never lie, never lose: the faults a black-box campaign found (issue "Never lie, never lose"), each
// against scripted agents (a fake `claude` that runs its prompt as a shell script) so the misbehaviour
// is exact. Every process a test starts is ended by pid or group at the end.
import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {BIN, CLAUDE_OK, fakeAgent, groupMembers, jobFile, pidAlive, sandbox, sleep, waitFor} from '../helpers.js'

const sandboxes = []
const strays = []
function make(label) {
  const sb = fakeAgent(sandbox(label))
  sandboxes.push(sb)
  return sb
}
const check = (sb, id, flags = []) => sb.json(['check', '--beads', id, '--json', ...flags]).doc
const finished = (sb, id, flags = []) =>
  waitFor(() => {
    const c = check(sb, id, flags)
    return /^exited_/.test(c.state) ? c : undefined
  }, {what: `${id} to finish`})
/** The pid a scripted agent wrote into the worktree (`echo $! > name`). */
const pidFrom = async (sb, name) => {
  const pid = await waitFor(() => {
    try {
      const n = Number(readFileSync(join(sb.worktree, name), 'utf8').trim())
      return n > 0 ? n : undefined
    } catch {
      return undefined
    }
  }, {what: name})
  strays.push(pid)
  return pid
}

/** Does the path exist (a symlink counts, whatever it points at)? */
function lexists(p) {
  try {
    lstatSync(p)
    return true
  } catch {
    return false
  }
}

afterEach(async () => {
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
  }
  for (const sb of sandboxes.splice(0)) await sb.cleanup()
})

describe('reliability: lost or wrong records', function () {
  it('ids that look like artifact names (c2.rc, c2.monitor, c2.pid) keep their own records beside c2', async () => {
    const sb = make('names')
    for (const [id, rc] of [['c2.rc', 5], ['c2.monitor', 6], ['c2.pid', 7], ['c2', 0]]) {
      const s = sb.startScript(id, `${rc === 0 ? CLAUDE_OK : ''}exit ${rc}\n`)
      expect(s.code, s.stderr).to.equal(0)
      await finished(sb, id)
    }
    const s = sb.json(['status', '--json']).doc
    const byId = Object.fromEntries(s.jobs.map((j) => [j.beads, j]))
    expect(Object.keys(byId).sort()).to.deep.equal(['c2', 'c2.monitor', 'c2.pid', 'c2.rc'])
    expect(byId.c2).to.include({state: 'exited_ok'})
    for (const [id, rc] of [['c2.rc', 5], ['c2.monitor', 6], ['c2.pid', 7]]) {
      const r = sb.json(['report', '--beads', id]).doc
      expect(r, id).to.include({state: 'exited_err', reason_code: 'process_exit_with_rc', exit_code: String(rc)})
    }
    expect(sb.json(['report', '--beads', 'c2']).doc.exit_code).to.equal('0')
  })

  it('a root of the flat layout (<id>.meta, <id>.rc …) is migrated to a directory per job; its records survive', async () => {
    const sb = make('migrate')
    expect(sb.startScript('old-1', 'exit 3\n').code).to.equal(0)
    await finished(sb, 'old-1')
    // turn the finished job back into the flat layout of earlier versions
    const dir = join(sb.root, 'cc-glm')
    for (const name of readdirSync(join(dir, 'old-1'))) renameSync(join(dir, 'old-1', name), join(dir, `old-1.${name}`))
    rmSync(join(dir, 'old-1'), {recursive: true})
    expect(existsSync(join(dir, 'old-1.meta'))).to.equal(true)
    const s = sb.json(['status', '--json'])
    expect(s.code, s.stderr).to.equal(0)
    expect(s.doc.jobs).to.have.length(1)
    expect(s.doc.jobs[0]).to.include({beads: 'old-1', state: 'exited_err', reason_code: 'process_exit_with_rc'})
    expect(readdirSync(dir)).to.deep.equal(['old-1'])
    expect(lstatSync(jobFile(sb, 'cc-glm', 'old-1', 'meta')).isFile()).to.equal(true)
    expect(sb.json(['report', '--beads', 'old-1']).doc.exit_code).to.equal('3')
  })

  it('the beads id "watchdog" is a job like any other while a watchdog runs', async () => {
    const sb = make('wdname')
    const wd = spawn(process.execPath, [BIN, 'watchdog', '--interval', '1'], {env: sb.env, stdio: 'ignore', detached: true})
    strays.push(wd.pid)
    await waitFor(() => lexists(join(sb.root, '.locks', 'watchdog.lock')) || undefined, {what: 'watchdog lock'})
    const s = sb.startScript('watchdog', `${CLAUDE_OK}exit 0\n`, [], {timeoutMs: 20_000})
    expect(s.code, s.stderr).to.equal(0)
    expect((await finished(sb, 'watchdog')).state).to.equal('exited_ok')
    process.kill(wd.pid, 'SIGTERM')
    await waitFor(() => !pidAlive(wd.pid) || undefined, {what: 'watchdog to end'})
  })
})

describe('reliability: status that lies', function () {
  it('stop interrupted (SIGINT) during its grace: the job still reads live, not stopped; a later stop ends it', async () => {
    const sb = make('stopint')
    const s = sb.startScript('bd-int', "trap '' TERM\nwhile :; do sleep 1; done\n")
    expect(s.code, s.stderr).to.equal(0)
    const stopper = spawn(process.execPath, [BIN, 'stop', '--beads', 'bd-int', '--grace', '60'], {env: sb.env, stdio: 'ignore'})
    await waitFor(() => lexists(jobFile(sb, 'cc-glm', 'bd-int', 'stopping')) || undefined, {what: 'stop to signal'})
    await sleep(300)
    stopper.kill('SIGINT')
    await new Promise((r) => stopper.once('exit', r))
    expect(pidAlive(Number(s.doc.pid))).to.equal(true)
    const c = check(sb, 'bd-int')
    expect(c.state).to.not.match(/^exited_/)
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-int', 'outcome'))).to.equal(false)
    // the job is alive, so a new start of the id is refused, as status says
    expect(sb.run(['start', '--beads', 'bd-int', '--provider', 'cc-glm', '--prompt-file', join(sb.base, 'bd-int.sh')]).code).to.equal(25)
    const again = sb.json(['stop', '--beads', 'bd-int', '--grace', '1', '--json'])
    expect(again.doc).to.include({stopped: true, state: 'exited_err', reason_code: 'stopped_by_user'})
    expect(groupMembers(Number(s.doc.monitor_pid))).to.deep.equal([])
  })

  it('monitor.pid gone: stop still ends the agent (found by its own identity) and restart never runs two agents', async () => {
    const sb = make('nomon')
    const s = sb.startScript('bd-nm', 'while :; do sleep 1; done\n')
    expect(s.code, s.stderr).to.equal(0)
    rmSync(jobFile(sb, 'cc-glm', 'bd-nm', 'monitor.pid'))
    const r = sb.json(['restart', '--beads', 'bd-nm', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    expect(pidAlive(Number(s.doc.pid)), 'the first agent').to.equal(false)
    expect(groupMembers(Number(s.doc.monitor_pid))).to.deep.equal([])
    rmSync(jobFile(sb, 'cc-glm', 'bd-nm', 'monitor.pid'))
    const st = sb.json(['stop', '--beads', 'bd-nm', '--grace', '2', '--json'])
    expect(st.doc).to.include({stopped: true})
    expect(pidAlive(Number(r.doc.pid)), 'the restarted agent').to.equal(false)
    expect(groupMembers(Number(r.doc.monitor_pid))).to.deep.equal([])
  })

  it('--timeout on an agent that ignores TERM: KILL after the grace, then exited_err / timeout, nothing left', async () => {
    const sb = make('timeout')
    const s = sb.startScript('bd-to', "trap '' TERM\nwhile :; do sleep 1; done\n", ['--timeout', '2s'])
    expect(s.code, s.stderr).to.equal(0)
    const c = await finished(sb, 'bd-to')
    expect(c).to.include({state: 'exited_err', reason_code: 'timeout'})
    expect(pidAlive(Number(s.doc.pid))).to.equal(false)
    await waitFor(() => !pidAlive(Number(s.doc.monitor_pid)) || undefined, {what: 'the supervisor to finish'})
    expect(groupMembers(Number(s.doc.monitor_pid))).to.deep.equal([])
  })
})

describe('reliability: processes left behind', function () {
  it('a background child in the group outlives the agent: the supervisor ends it and the report counts it', async () => {
    const sb = make('bgchild')
    const s = sb.startScript('bd-bg', `sleep 300 &\necho $! > bg.pid\n${CLAUDE_OK}exit 0\n`)
    expect(s.code, s.stderr).to.equal(0)
    const bg = await pidFrom(sb, 'bg.pid')
    const c = await finished(sb, 'bd-bg')
    expect(c.state).to.equal('exited_ok')
    // the supervisor ends what is left right after recording the exit status
    await waitFor(() => !pidAlive(Number(s.doc.monitor_pid)) || undefined, {what: 'the supervisor to finish'})
    expect(pidAlive(bg)).to.equal(false)
    expect(groupMembers(Number(s.doc.monitor_pid))).to.deep.equal([])
    const r = sb.json(['report', '--beads', 'bd-bg'])
    expect(r.doc.leftover_processes).to.equal(1)
  })

  it('a grandchild that calls setsid is found by its job marker: at the job end, by stop, and by prune', async () => {
    const sb = make('setsid')
    // at the job's end
    const a = sb.startScript('bd-ss1', `setsid sleep 301 &\necho $! > ss.pid\n${CLAUDE_OK}exit 0\n`)
    expect(a.code, a.stderr).to.equal(0)
    const esc1 = await pidFrom(sb, 'ss.pid')
    await finished(sb, 'bd-ss1')
    await waitFor(() => !pidAlive(Number(a.doc.monitor_pid)) || undefined, {what: 'the supervisor to finish'})
    expect(pidAlive(esc1)).to.equal(false)
    expect(sb.json(['report', '--beads', 'bd-ss1']).doc.leftover_processes).to.equal(1)
    // by stop, while the agent runs
    const b = sb.startScript('bd-ss2', "setsid sleep 302 &\necho $! > ss2.pid\nwhile :; do sleep 1; done\n")
    expect(b.code, b.stderr).to.equal(0)
    const esc2 = await pidFrom(sb, 'ss2.pid')
    expect(sb.json(['stop', '--beads', 'bd-ss2', '--grace', '2', '--json']).doc.stopped).to.equal(true)
    expect(pidAlive(esc2)).to.equal(false)
    // by prune, when the supervisor died with no chance to clean up
    const c = sb.startScript('bd-ss3', "setsid sleep 303 &\necho $! > ss3.pid\nwhile :; do sleep 1; done\n")
    expect(c.code, c.stderr).to.equal(0)
    const esc3 = await pidFrom(sb, 'ss3.pid')
    process.kill(-Number(c.doc.monitor_pid), 'SIGKILL')
    await waitFor(() => groupMembers(Number(c.doc.monitor_pid)).length === 0 || undefined, {what: 'group gone'})
    expect(pidAlive(esc3), 'the escaped grandchild outlived its group').to.equal(true)
    const p = sb.json(['prune', '--beads', 'bd-ss3', '--json'])
    expect(p.code, p.stderr).to.equal(0)
    expect(pidAlive(esc3)).to.equal(false)
  })
})
