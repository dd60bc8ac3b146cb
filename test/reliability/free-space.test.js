// Free space fuzzed page by page: a small real tmpfs as the artifact root, filled to leave 0..N pages,
// then start, a running job's end, stop and status. In every case no agent runs without a record, and
// no record says a job is alive that is not, or finished that is not.
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync, writeSync} from 'node:fs'
import {join} from 'node:path'
import {CLAUDE_OK, fakeAgent, jobFile, pidAlive, sandbox, waitFor} from '../helpers.js'

const PAGE = 4096
const MAX_PAGES = 16
const LIVE = ['launching', 'waiting_first_output', 'silent_mutation', 'healthy', 'stalled', 'no_op']

/** Processes carrying a job's marker (DX_RUNNER_JOB=<job dir>): what runs for that job, wherever it is. */
function markedPids(jobDir) {
  const needle = Buffer.from(`DX_RUNNER_JOB=${jobDir}\0`)
  const out = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const env = readFileSync(`/proc/${name}/environ`)
      if (env.includes(needle) && pidAlive(Number(name))) out.push(Number(name))
    } catch {}
  }
  return out
}

/** Fill the file system so that exactly `pages` pages stay free. */
function leaveFree(mnt, pages) {
  rmSync(join(mnt, 'filler'), {force: true})
  const free = statfsSync(mnt).bavail
  const fill = Math.max(0, free - pages)
  const fd = openSync(join(mnt, 'filler'), 'w')
  const chunk = Buffer.alloc(64 * PAGE)
  try {
    for (let left = fill; left > 0; left -= 64) writeSync(fd, chunk, 0, Math.min(64, left) * PAGE)
  } catch {
    // full already: good enough
  } finally {
    closeSync(fd)
  }
}

describe('reliability: free space fuzzed page by page (tmpfs root)', function () {
  this.timeout(600_000)
  let sb, mnt
  beforeEach(() => {
    sb = fakeAgent(sandbox('fuzz'))
    mnt = join(sb.base, 'small')
    mkdirSync(mnt)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', mnt])
    sb.root = join(mnt, 'root')
    sb.env.DX_RUNNER_HOME = sb.root
  })
  afterEach(async () => {
    for (const f of readdirSync(sb.base).filter((n) => n.endsWith('.sh'))) {
      const id = f.slice(0, -3)
      for (const pid of markedPids(join(sb.root, 'cc-glm', id))) process.kill(pid, 'SIGKILL')
    }
    rmSync(join(mnt, 'filler'), {force: true})
    const root = sb.root
    const groups = sb.groups()
    for (const g of groups) {
      try {
        process.kill(-g, 'SIGKILL')
      } catch {}
    }
    execFileSync('umount', ['-l', mnt])
    sb.root = root
    await sb.cleanup()
  })

  const jobState = (id) => {
    const s = sb.json(['status', '--json'])
    expect(s.code, s.stderr).to.equal(0)
    return s.doc.jobs.find((j) => j.beads === id)
  }

  const checkJob = (id) => {
    const c = sb.json(['check', '--beads', id, '--json'])
    expect(c.stderr).to.equal('')
    return c.doc
  }

  it('start with 0..N pages free: started and recorded, or refused with nothing running; stop and status still tell the truth', async () => {
    const outcomes = {started: 0, refused: 0}
    for (let pages = 0; pages <= MAX_PAGES; pages++) {
      const id = `fz-${pages}`
      leaveFree(mnt, pages)
      const s = sb.startScript(id, 'echo working\nwhile :; do sleep 1; done\n', [], {timeoutMs: 60_000})
      const dir = join(sb.root, 'cc-glm', id)
      const running = markedPids(dir)
      const row = jobState(id)
      if (s.code === 0) {
        outcomes.started++
        expect(running, `${pages} pages: the agent runs`).to.include(Number(s.doc.pid))
        expect(row, `${pages} pages: recorded`).to.exist
        expect(LIVE, `${pages} pages: ${row.state}`).to.include(row.state)
        // stop on the same full root
        const st = sb.json(['stop', '--beads', id, '--grace', '2', '--json'])
        expect(st.code, `${pages} pages: ${st.stderr}`).to.equal(0)
        expect(st.doc.stopped).to.equal(true)
        expect(markedPids(dir), `${pages} pages: nothing left after stop`).to.deep.equal([])
        expect(jobState(id), `${pages} pages after stop`).to.include({state: 'exited_err', reason_code: 'stopped_by_user'})
      } else {
        outcomes.refused++
        expect(s.code, `${pages} pages: ${s.stderr}`).to.equal(1)
        expect(s.stderr.trim().split('\n'), s.stderr).to.have.length(1)
        expect(s.stderr, `${pages} pages`).to.match(/no space left on device|ENOSPC/i)
        expect(running, `${pages} pages: a refused start runs nothing`).to.deep.equal([])
        expect(row, `${pages} pages: a refused start records nothing`).to.equal(undefined)
      }
      rmSync(join(mnt, 'filler'), {force: true})
      sb.run(['prune', '--beads', id])
    }
    // the fuzz crossed the line between refusing and starting
    console.log(`      (${outcomes.refused} refused, ${outcomes.started} started)`)
    expect(outcomes.refused).to.be.above(0)
    expect(outcomes.started).to.be.above(0)
  })

  it('a running job ends with 0..N pages free: its exit code survives and status reaches a terminal state', async () => {
    for (let pages = 0; pages <= MAX_PAGES; pages += 2) {
      const id = `end-${pages}`
      const go = join(sb.worktree, `${id}.go`)
      const s = sb.startScript(id, `echo working\nwhile [ ! -e ${go} ]; do sleep 0.1; done\nexit 7\n`)
      expect(s.code, s.stderr).to.equal(0)
      leaveFree(mnt, pages)
      writeFileSync(go, '')
      await waitFor(() => !pidAlive(Number(s.doc.monitor_pid)) || undefined, {what: `${id}: supervisor to end`})
      const row = checkJob(id)
      expect(row, `${pages} pages`).to.include({state: 'exited_err', exit_code: '7'})
      expect(['process_exit_with_rc', 'disk_full'], `${pages} pages`).to.include(row.reason_code)
      if (pages === 0) expect(row.reason_code).to.equal('disk_full')
      expect(markedPids(join(sb.root, 'cc-glm', id))).to.deep.equal([])
      rmSync(join(mnt, 'filler'), {force: true})
      expect(checkJob(id), `${pages} pages, space back`).to.include({state: 'exited_err', exit_code: '7', reason_code: row.reason_code})
    }
  })

  it('a job whose log fills the disk: exit code kept, exited_err / disk_full; stop of another job works on the full root', async () => {
    const other = sb.startScript('bd-other', 'while :; do sleep 1; done\n')
    expect(other.code, other.stderr).to.equal(0)
    const s = sb.startScript('bd-fill', 'dd if=/dev/zero bs=4096 count=100000 2>/dev/null\nexit 9\n')
    expect(s.code, s.stderr).to.equal(0)
    await waitFor(() => !pidAlive(Number(s.doc.monitor_pid)) || undefined, {what: 'the filling job to end'})
    expect(statfsSync(mnt).bavail).to.equal(0)
    expect(jobState('bd-fill')).to.include({state: 'exited_err', reason_code: 'disk_full'})
    expect(checkJob('bd-fill')).to.include({state: 'exited_err', reason_code: 'disk_full', exit_code: '9'})
    const c = sb.json(['check', '--beads', 'bd-fill', '--json'])
    expect(c.code).to.equal(3)
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'disk_full'})
    const st = sb.json(['stop', '--beads', 'bd-other', '--grace', '2', '--json'])
    expect(st.code, st.stderr).to.equal(0)
    expect(st.doc).to.include({stopped: true, state: 'exited_err', reason_code: 'stopped_by_user'})
    expect(pidAlive(Number(other.doc.pid))).to.equal(false)
    expect(readFileSync(jobFile(sb, 'cc-glm', 'bd-fill', 'rc'), 'latin1')).to.match(/^9 .*disk_full/)
    void CLAUDE_OK
  })
})
