import {expect} from 'chai'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {jobFile, sandbox, TOKEN, waitFor, walk} from './helpers.js'

function oneClearLine(r) {
  const lines = r.stderr.split('\n').filter(Boolean)
  expect(lines, `stderr: ${r.stderr}`).to.have.length(1)
  expect(lines[0]).to.match(/^dx-runner: /)
  return lines[0]
}

describe('bad input: documented exit code, one clear line, nothing written', function () {
  let sim
  let sb
  before(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  after(async () => {
    await sim?.close()
  })
  beforeEach(() => {
    sb = sandbox('bad')
    Object.assign(sb.env, {CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/hang`})
  })
  afterEach(async () => {
    await sb.cleanup()
  })

  const start = (over = {}) => {
    const flags = {beads: 'bd-1', provider: 'cc-glm', 'prompt-file': sb.prompt, worktree: sb.worktree, ...over}
    const args = ['start']
    for (const [k, v] of Object.entries(flags)) if (v !== null) args.push(`--${k}`, v)
    return sb.run(args)
  }
  const expectNothingWritten = () => expect(walk(sb.root), 'files under DX_RUNNER_HOME').to.deep.equal([])

  for (const bad of ['../x', 'a/b', '', 'x'.repeat(65), '-rf', 'bad\nid']) {
    it(`beads ${JSON.stringify(bad)} → exit 1`, () => {
      const r = start({beads: bad})
      expect(r.code).to.equal(1)
      const line = oneClearLine(r)
      if (bad !== '' && bad !== '-rf') expect(line).to.match(/--beads/)
      expectNothingWritten()
    })
  }

  it('prompt file missing → exit 1', () => {
    const r = start({'prompt-file': join(sb.base, 'nope.md')})
    expect(r.code).to.equal(1)
    expect(oneClearLine(r)).to.match(/not found/)
    expectNothingWritten()
  })

  it('prompt file is a directory → exit 1', () => {
    const r = start({'prompt-file': sb.base})
    expect(r.code).to.equal(1)
    expect(oneClearLine(r)).to.match(/directory/)
    expectNothingWritten()
  })

  it('prompt file empty → exit 1', () => {
    const empty = join(sb.base, 'empty.md')
    writeFileSync(empty, '')
    const r = start({'prompt-file': empty})
    expect(r.code).to.equal(1)
    expect(oneClearLine(r)).to.match(/empty/)
    expectNothingWritten()
  })

  it('--prompt-file - with nothing on stdin → exit 1', () => {
    const r = sb.run(['start', '--beads', 'bd-1', '--provider', 'cc-glm', '--prompt-file', '-', '--worktree', sb.worktree], {input: ' \n'})
    expect(r.code).to.equal(1)
    expect(oneClearLine(r)).to.match(/stdin is empty/)
    expectNothingWritten()
  })

  it('--prompt-file - larger than 4 MiB → exit 1', () => {
    const r = sb.run(['start', '--beads', 'bd-1', '--provider', 'cc-glm', '--prompt-file', '-', '--worktree', sb.worktree], {input: 'x'.repeat(5 * 1024 * 1024)})
    expect(r.code).to.equal(1)
    expect(oneClearLine(r)).to.match(/larger than/)
    expectNothingWritten()
  })

  it('--prompt-file - refused by a later check (worktree outside the prefixes) → exit 22, the prompt not kept', () => {
    const r = sb.run(['start', '--beads', 'bd-1', '--provider', 'cc-glm', '--prompt-file', '-', '--worktree', sb.base], {input: 'do things\n'})
    expect(r.code).to.equal(22)
    oneClearLine(r)
    expectNothingWritten()
    expect(existsSync(join(sb.root, '.prompts'))).to.equal(false)
  })

  it('unknown provider → exit 20', () => {
    const r = start({provider: 'nope'})
    expect(r.code).to.equal(20)
    expect(oneClearLine(r)).to.match(/provider 'nope' not found/)
    expectNothingWritten()
  })

  it('worktree outside the prefixes → exit 22', () => {
    const r = start({worktree: sb.base})
    expect(r.code).to.equal(22)
    expect(oneClearLine(r)).to.match(/outside the allowed prefixes/)
    expectNothingWritten()
  })

  it('/tmp/agents-evil → exit 22', () => {
    const evil = mkdtempSync('/tmp/agents-evil-')
    try {
      const r = start({worktree: evil})
      expect(r.code).to.equal(22)
      oneClearLine(r)
      expectNothingWritten()
    } finally {
      rmSync(evil, {recursive: true, force: true})
    }
  })

  it('a symlink under /tmp/agents pointing at / → exit 22', () => {
    const link = join(sb.agentsDir, 'escape')
    symlinkSync('/', link)
    const r = start({worktree: link})
    expect(r.code).to.equal(22)
    expect(oneClearLine(r)).to.match(/outside the allowed prefixes/)
    expectNothingWritten()
  })

  it('without --worktree the current directory must pass the gate too', () => {
    const r = sb.run(['start', '--beads', 'bd-1', '--provider', 'cc-glm', '--prompt-file', sb.prompt], {cwd: sb.base})
    expect(r.code).to.equal(22)
    expectNothingWritten()
  })

  it('no credential source and no op → exit 10 naming the variables', () => {
    const r = sb.run(['start', '--beads', 'bd-1', '--provider', 'cc-glm', '--prompt-file', sb.prompt], {
      env: {CC_GLM_AUTH_TOKEN: '', PATH: `${sb.env.PATH.split(':')[0]}:/usr/bin:/bin`},
    })
    expect(r.code, r.stderr).to.equal(10)
    const line = oneClearLine(r)
    for (const v of ['CC_GLM_AUTH_TOKEN', 'CC_GLM_TOKEN_FILE', 'ZAI_API_KEY', 'CC_GLM_OP_URI']) expect(line).to.include(v)
    expectNothingWritten()
  })

  it('CC_GLM_TOKEN_FILE missing or empty → exit 11', () => {
    const empty = join(sb.base, 'token-empty')
    writeFileSync(empty, '\n')
    for (const file of [join(sb.base, 'token-missing'), empty]) {
      const r = sb.run(['start', '--beads', 'bd-1', '--provider', 'cc-glm', '--prompt-file', sb.prompt], {env: {CC_GLM_AUTH_TOKEN: '', CC_GLM_TOKEN_FILE: file}})
      expect(r.code, r.stderr).to.equal(11)
      expect(oneClearLine(r)).to.include('CC_GLM_TOKEN_FILE')
      expectNothingWritten()
    }
  })

  it('a second start of a live beads id → exit 25, the first job untouched', async () => {
    const first = sb.json(['start', '--beads', 'bd-live', '--provider', 'cc-glm', '--prompt-file', sb.prompt, '--json'])
    expect(first.code, first.stderr).to.equal(0)
    const metaPath = jobFile(sb.root, 'cc-glm', 'bd-live', 'meta')
    const before = readFileSync(metaPath, 'utf8')
    const pidBefore = readFileSync(jobFile(sb.root, 'cc-glm', 'bd-live', 'pid'), 'utf8')
    const second = sb.run(['start', '--beads', 'bd-live', '--provider', 'cc-glm', '--prompt-file', sb.prompt])
    expect(second.code).to.equal(25)
    expect(oneClearLine(second)).to.match(/already active/)
    expect(readFileSync(metaPath, 'utf8')).to.equal(before)
    expect(readFileSync(jobFile(sb.root, 'cc-glm', 'bd-live', 'pid'), 'utf8')).to.equal(pidBefore)
    const c = sb.json(['check', '--beads', 'bd-live', '--json'])
    expect(c.doc.pid).to.equal(first.doc.pid)
    expect(sb.run(['stop', '--beads', 'bd-live']).code).to.equal(0)
  })

  it('usage errors exit 1, not 2', () => {
    for (const args of [['start'], ['status', '--frob'], ['check'], ['nonsense-command'], ['check', '--beads', 'x', '--stall-minutes', 'soon']]) {
      const r = sb.run(args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(1)
      oneClearLine(r)
    }
  })
})
