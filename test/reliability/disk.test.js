import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {sandbox, TOKEN, waitFor, walk} from '../helpers.js'

// A real small tmpfs as the artifact root: a full disk and a read-only root, not simulated.
describe('disk full and read-only root: a clear error and no half state', function () {
  let sim, sb, mnt
  before(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  after(async () => {
    await sim?.close()
  })
  beforeEach(() => {
    sb = sandbox('disk')
    mnt = join(sb.base, 'small')
    mkdirSync(mnt)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0700', 'tmpfs', mnt])
    Object.assign(sb.env, {DX_RUNNER_HOME: join(mnt, 'root'), CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/answer`})
    sb.root = join(mnt, 'root')
  })
  afterEach(async () => {
    try {
      execFileSync('mount', ['-o', 'remount,rw', mnt])
    } catch {}
    execFileSync('umount', ['-l', mnt])
    await sb.cleanup()
  })

  const start = (id) => sb.run(['start', '--beads', id, '--provider', 'cc-glm', '--prompt-file', sb.prompt])

  it('disk full: start exits 1 with one clear line, writes no job, starts nothing; status still answers', async () => {
    expect(start('bd-before').code).to.equal(0)
    await waitFor(() => sb.json(['check', '--beads', 'bd-before', '--json']).doc.state.startsWith('exited'), {what: 'first job'})
    // fill the file system
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${join(mnt, 'filler')}`, 'bs=4k'], {stdio: 'ignore'})
    } catch {}
    const before = walk(sb.root).sort()
    const r = start('bd-full')
    expect(r.code, r.stderr).to.equal(1)
    const lines = r.stderr.split('\n').filter(Boolean)
    expect(lines).to.have.length(1)
    expect(lines[0]).to.match(/no space left on device \(ENOSPC\)/)
    expect(walk(sb.root).filter((f) => f.includes('bd-full'))).to.deep.equal([])
    expect(walk(sb.root).filter((f) => f.includes('/.locks/'))).to.deep.equal([])
    expect(walk(sb.root).sort()).to.deep.equal(before)
    const s = sb.json(['status', '--json'])
    expect(s.code, s.stderr).to.equal(0)
    expect(s.doc.jobs.map((j) => j.beads)).to.deep.equal(['bd-before'])
    expect(s.doc.jobs[0].state).to.equal('exited_ok')
  })

  it('read-only root: status still answers; start exits 1 with one clear line and starts nothing', async () => {
    expect(start('bd-ro').code).to.equal(0)
    await waitFor(() => sb.json(['check', '--beads', 'bd-ro', '--json']).doc.state.startsWith('exited'), {what: 'job'})
    execFileSync('mount', ['-o', 'remount,ro', mnt])
    const s = sb.json(['status', '--json'])
    expect(s.code, s.stderr).to.equal(0)
    expect(s.doc.jobs[0]).to.include({beads: 'bd-ro', state: 'exited_ok'})
    const r = start('bd-ro2')
    expect(r.code).to.equal(1)
    expect(r.stderr.split('\n').filter(Boolean)).to.have.length(1)
    expect(r.stderr).to.match(/read-only file system \(EROFS\)/)
    expect(walk(sb.root).filter((f) => f.includes('bd-ro2'))).to.deep.equal([])
  })

  // the root does not exist yet: the first start is the one that would create it
  const startFirst = () => sb.run(['start', '--beads', 'bd-first', '--provider', 'cc-glm', '--prompt-file', sb.prompt])
  const oneLine = (r) => {
    const lines = r.stderr.split('\n').filter(Boolean)
    expect(lines, r.stderr).to.have.length(1)
    return lines[0]
  }

  it('first start, read-only file system: start exits 1 naming EROFS and the root, not ENOENT', () => {
    execFileSync('mount', ['-o', 'remount,ro', mnt])
    const r = startFirst()
    expect(r.code, r.stderr).to.equal(1)
    const line = oneLine(r)
    expect(line).to.match(/read-only file system \(EROFS\)/)
    expect(line).to.include(sb.root)
    expect(line).to.not.match(/ENOENT/)
    expect(existsSync(sb.root)).to.equal(false)
  })

  it('first start, full file system: start exits 1 naming ENOSPC and leaves no root and no empty .cache', () => {
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${join(mnt, 'filler')}`, 'bs=4k'], {stdio: 'ignore'})
    } catch {}
    const r = startFirst()
    expect(r.code, r.stderr).to.equal(1)
    expect(oneLine(r)).to.match(/no space left on device \(ENOSPC\)/)
    expect(readdirSync(mnt)).to.deep.equal(['filler'])
  })
})
