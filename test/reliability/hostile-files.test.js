import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {jobFile, sandbox, TOKEN, waitFor} from '../helpers.js'

/** The artifacts of a finished job that a clone copies (those that exist). */
const ARTIFACTS = ['meta', 'log', 'rc', 'outcome', 'heartbeat', 'mutation', 'contract', 'cputime', 'pid', 'monitor.pid']
/** Generous bound: a command that has not answered by then hangs (the expectation on `signal` says so). */
const HANG = {timeoutMs: 30_000}

describe('hostile artifact files', function () {
  let sim
  let sb
  /** Hostile files this test planted: removed before cleanup, which reads every file under the root. */
  let planted = []
  before(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  after(async () => {
    await sim?.close()
  })
  beforeEach(() => {
    planted = []
    sb = sandbox('hostile-files')
    Object.assign(sb.env, {CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/answer`})
  })
  afterEach(async () => {
    for (const f of planted) rmSync(f, {force: true})
    await sb.cleanup()
  })

  const finishedJob = async (beads) => {
    const r = sb.run(['start', '--beads', beads, '--provider', 'cc-glm', '--prompt-file', sb.prompt])
    expect(r.code, r.stderr).to.equal(0)
    await waitFor(() => sb.json(['check', '--beads', beads, '--json']).doc.state === 'exited_ok', {what: `${beads} to finish`})
  }
  /** A copy of a finished job under another id. */
  const clone = (from, id) => {
    mkdirSync(dirname(jobFile(sb, 'cc-glm', id, 'meta')), {recursive: true})
    for (const a of ARTIFACTS) {
      if (existsSync(jobFile(sb, 'cc-glm', from, a))) copyFileSync(jobFile(sb, 'cc-glm', from, a), jobFile(sb, 'cc-glm', id, a))
    }
    const meta = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', id, 'meta'), 'utf8'))
    writeFileSync(jobFile(sb, 'cc-glm', id, 'meta'), JSON.stringify({...meta, beads: id}))
  }
  const kinds = {
    fifo: (path) => execFileSync('mkfifo', [path]),
    'symlink to /dev/zero': (path) => symlinkSync('/dev/zero', path),
  }
  /** Replace one artifact with a FIFO or a device (again before every command: observers may rewrite it). */
  const plant = (id, artifact, kind) => {
    const path = jobFile(sb, 'cc-glm', id, artifact)
    const st = lstatSync(path, {throwIfNoEntry: false})
    if (st && !st.isFile()) return
    rmSync(path, {force: true})
    kinds[kind](path)
    planted.push(path)
  }

  describe('a FIFO or a device as an artifact: status, check, report and logs answer, the job is corrupt or judged without it', () => {
    const cases = []
    for (const kind of Object.keys(kinds)) {
      for (const artifact of ['meta', 'pid', 'monitor.pid', 'log', 'heartbeat', 'outcome', 'rc', 'cputime', 'mutation']) cases.push([kind, artifact])
    }
    it('FIFO and /dev/zero as meta, pid, monitor.pid, log, heartbeat, outcome, rc, cputime, mutation', async function () {
      this.timeout(600_000)
      await finishedJob('bd-src')
      const ids = []
      for (const [kind, artifact] of cases) {
        const id = `bd-${kind === 'fifo' ? 'fifo' : 'zero'}-${artifact.replace('.', '-')}`
        clone('bd-src', id)
        ids.push([id, kind, artifact])
      }
      // the log is read whole only while a finished job is classified: one log case without its outcome;
      // without the agent's own result in its log, an exit 0 cannot be vouched for
      clone('bd-src', 'bd-fifo-log-unclassified')
      rmSync(jobFile(sb, 'cc-glm', 'bd-fifo-log-unclassified', 'outcome'))
      ids.push(['bd-fifo-log-unclassified', 'fifo', 'log'])
      const plantAll = () => {
        for (const [id, kind, artifact] of ids) plant(id, artifact, kind)
      }
      const expectedState = (id, artifact) => {
        if (artifact === 'meta') return {state: 'missing', reason_code: 'metadata_corrupt'}
        if (id === 'bd-fifo-log-unclassified') return {state: 'exited_err', reason_code: 'provider_error_result'}
        return {state: 'exited_ok'}
      }

      plantAll()
      const s = sb.run(['status', '--json'], HANG)
      expect(s.signal, 'status must not hang').to.equal(null)
      expect(s.code, s.stderr).to.equal(0)
      const rows = Object.fromEntries(JSON.parse(s.stdout).jobs.map((j) => [j.beads, j]))
      for (const [id, , artifact] of ids) expect(rows[id], id).to.include(expectedState(id, artifact))

      for (const [id, , artifact] of ids) {
        plantAll()
        const c = sb.run(['check', '--beads', id, '--json'], HANG)
        expect(c.signal, `check ${id} must not hang`).to.equal(null)
        const expected = expectedState(id, artifact)
        expect(c.code, `${id}: ${c.stderr}`).to.equal(expected.state === 'exited_ok' ? 0 : 3)
        expect(JSON.parse(c.stdout), id).to.include(expected)
        if (artifact === 'meta') continue
        const r = sb.run(['report', '--beads', id], HANG)
        expect(r.signal, `report ${id} must not hang`).to.equal(null)
        expect(r.code, `${id}: ${r.stderr}`).to.equal(0)
        expect(JSON.parse(r.stdout), id).to.include(expected)
        const l = sb.run(['logs', '--beads', id, '--follow'], HANG)
        expect(l.signal, `logs ${id} must not hang`).to.equal(null)
        expect(l.code, `${id}: ${l.stderr}`).to.equal(0)
      }
    })
  })

  it('agent-supplied text with ESC, newlines and | cannot break the markdown report or the status table', async () => {
    await finishedJob('bd-esc')
    const evil = 'sess\u001b[31m|red\nnew | row\r\u0007\u009b2J'
    const outcomePath = jobFile(sb, 'cc-glm', 'bd-esc', 'outcome')
    const outcome = JSON.parse(readFileSync(outcomePath, 'utf8'))
    writeFileSync(outcomePath, JSON.stringify({...outcome, session_id: evil, reason_code: `odd\u001b[2J\nreason|x`}))
    const metaPath = jobFile(sb, 'cc-glm', 'bd-esc', 'meta')
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'))
    writeFileSync(metaPath, JSON.stringify({...meta, selected_model: `glm\u001b]0;title\u0007\n| model`, fallback_reason: 'a\tb\nc'}))

    const md = sb.run(['report', '--beads', 'bd-esc', '--format', 'markdown'])
    expect(md.code, md.stderr).to.equal(0)
    expect(md.stdout).to.not.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
    const json = sb.json(['report', '--beads', 'bd-esc'])
    expect(json.doc.session_id).to.equal(evil)
    // one table row per field of the JSON report, each `| key | value |` with no unescaped | inside
    const rows = md.stdout.split('\n').filter((l) => l.startsWith('|'))
    expect(rows).to.have.length(Object.keys(json.doc).filter((k) => k !== 'gates').length + 2)
    for (const row of rows.slice(2)) expect(row.split(/(?<!\\)\|/), row).to.have.length(4)
    const sessionRow = rows.find((r) => r.startsWith('| session_id |'))
    expect(sessionRow).to.include('\\u001b').and.include('\\n').and.include('\\|')

    const table = sb.run(['status'])
    expect(table.code, table.stderr).to.equal(0)
    expect(table.stdout).to.not.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
    expect(table.stdout.trimEnd().split('\n')).to.have.length(2)
    const check = sb.run(['check', '--beads', 'bd-esc'])
    expect(check.stdout).to.not.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
    expect(check.stdout.trimEnd().split('\n')).to.have.length(1)
  })

  describe('a token file others can read', () => {
    const withTokenFile = (mode) => {
      const file = join(sb.base, 'token')
      writeFileSync(file, `${TOKEN}\n`)
      chmodSync(file, mode)
      delete sb.env.CC_GLM_AUTH_TOKEN
      sb.env.CC_GLM_TOKEN_FILE = file
      return file
    }
    const warning = /^dx-runner: warning: CC_GLM_TOKEN_FILE .* is accessible by group or others \(mode 0644\); run chmod 600 /

    it('mode 0644: start and preflight warn in one stderr line, preflight lists a warn check, the job still runs', async () => {
      withTokenFile(0o644)
      const p = sb.run(['preflight', '--provider', 'cc-glm', '--json'])
      expect(p.code, p.stderr).to.equal(0)
      expect(p.stderr.split('\n').filter(Boolean)).to.have.length(1)
      expect(p.stderr).to.match(warning)
      const checks = JSON.parse(p.stdout).providers[0].checks
      // (the endpoint check may warn too: this test's simulator runs in the test process, which waits on the CLI)
      expect(checks.filter((c) => c.status === 'warn' && c.name !== 'endpoint').map((c) => c.name)).to.deep.equal(['token file'])
      const human = sb.run(['preflight', '--provider', 'cc-glm'])
      expect(human.stdout).to.match(/^ {2}warn {2}token file: /m)
      const s = sb.run(['start', '--beads', 'bd-tok', '--provider', 'cc-glm', '--prompt-file', sb.prompt])
      expect(s.code, s.stderr).to.equal(0)
      expect(s.stderr.split('\n').filter(Boolean)).to.have.length(1)
      expect(s.stderr).to.match(warning)
      await waitFor(() => sb.json(['check', '--beads', 'bd-tok', '--json']).doc.state === 'exited_ok', {what: 'bd-tok to finish'})
    })

    it('mode 0600: no warning', async () => {
      withTokenFile(0o600)
      const p = sb.run(['preflight', '--provider', 'cc-glm', '--json'])
      expect(p.code, p.stderr).to.equal(0)
      expect(p.stderr).to.equal('')
      expect(JSON.parse(p.stdout).providers[0].checks.filter((c) => c.status === 'warn' && c.name !== 'endpoint')).to.deep.equal([])
      const s = sb.run(['start', '--beads', 'bd-tok', '--provider', 'cc-glm', '--prompt-file', sb.prompt])
      expect(s.code, s.stderr).to.equal(0)
      expect(s.stderr).to.equal('')
      await waitFor(() => sb.json(['check', '--beads', 'bd-tok', '--json']).doc.state === 'exited_ok', {what: 'bd-tok to finish'})
    })
  })
})
