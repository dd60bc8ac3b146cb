// `plugins install ./x.tgz` and `plugins install ./dir`: a provider package that is on this machine only
// (packed with `npm pack`, or its working copy) installed by the built CLI; its dependencies come from
// a real registry (verdaccio on loopback with the whole workspace published), named by DX_RUNNER_NPM_REGISTRY.
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {REPO, sandbox, waitFor} from './helpers.js'
import {publishWorkspace, startRegistry} from './registry-helpers.js'

describe('plugins install a local provider (a directory or an npm pack tarball)', function () {
  this.timeout(600_000)
  let reg, sb, tarball

  before(async () => {
    reg = await startRegistry('plugins-local')
    publishWorkspace(reg)
    sb = sandbox('plugins-local')
    for (const d of ['data', 'cache', 'config']) mkdirSync(join(sb.base, d))
    // only DX_RUNNER_NPM_REGISTRY says where dependencies come from (no npmrc names the registry)
    Object.assign(sb.env, {XDG_DATA_HOME: join(sb.base, 'data'), XDG_CACHE_HOME: join(sb.base, 'cache'), XDG_CONFIG_HOME: join(sb.base, 'config'), DX_RUNNER_NPM_REGISTRY: reg.registry, npm_config_cache: reg.npmEnv.npm_config_cache, npm_config_update_notifier: 'false'})
    const packed = spawnSync('npm', ['pack', join(REPO, 'examples/provider-exec'), '--pack-destination', sb.base, '--json'], {cwd: sb.base, encoding: 'utf8', env: {...process.env, ...reg.npmEnv}})
    expect(packed.status, packed.stderr).to.equal(0)
    tarball = JSON.parse(packed.stdout)[0].filename
    expect(existsSync(join(sb.base, tarball))).to.equal(true)
  })

  after(async () => {
    await sb?.cleanup()
    await reg?.stop()
  })

  /** exec is listed, a job through it reaches exited_ok, and `plugins uninstall` removes it. */
  async function jobThroughExecThenUninstall(beads) {
    const listed = sb.json(['providers', '--json']).doc.providers.find((p) => p.name === 'exec')
    expect(listed).to.include({package: 'dx-runner-provider-exec', version: '0.1.0'})
    writeFileSync(join(sb.base, 'job.sh'), `echo local > ${beads}-output.txt\n`)
    const s = sb.json(['start', '--beads', beads, '--provider', 'exec', '--prompt-file', join(sb.base, 'job.sh'), '--json'])
    expect(s.code, s.stderr).to.equal(0)
    const c = await waitFor(() => {
      const x = sb.json(['check', '--beads', beads, '--json'])
      return x.doc.state.startsWith('exited') ? x : undefined
    }, {what: `${beads} to finish`})
    expect(c.doc).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0'})
    expect(existsSync(join(sb.worktree, `${beads}-output.txt`))).to.equal(true)
    const local = join(sb.base, 'data/dx-runner/local')
    const kept = readdirSync(local).filter((f) => f.endsWith('.tgz'))
    expect(kept).to.have.length(1)
    expect(kept[0]).to.match(new RegExp(`^[0-9a-f]{12}-${tarball.replaceAll('.', '\\.')}$`))
    const un = sb.run(['plugins', 'uninstall', 'dx-runner-provider-exec'])
    expect(un.code, un.stderr).to.equal(0)
    expect(readdirSync(local)).to.deep.equal([])
    expect(sb.json(['providers', '--json']).doc.providers.map((p) => p.name)).to.deep.equal(['cc-glm', 'claude-code', 'gemini', 'opencode'])
    expect(sb.run(['start', '--beads', `${beads}-gone`, '--provider', 'exec', '--prompt-file', join(sb.base, 'job.sh')]).code).to.equal(20)
  }

  it('plugins install ./x.tgz (from npm pack) → exec is listed, a job reaches exited_ok; uninstall removes it', async () => {
    const inst = sb.run(['plugins', 'install', `./${tarball}`], {cwd: sb.base, timeoutMs: 300_000})
    expect(inst.code, inst.stderr).to.equal(0)
    await jobThroughExecThenUninstall('bd-tgz')
  })

  it('plugins install ./dir (a provider working copy) → exec is listed, a job reaches exited_ok; uninstall removes it', async () => {
    const inst = sb.run(['plugins', 'install', './provider-exec'], {cwd: join(REPO, 'examples'), timeoutMs: 300_000})
    expect(inst.code, inst.stderr).to.equal(0)
    await jobThroughExecThenUninstall('bd-dir')
  })

  it('a path that does not exist, or a directory with no package.json: one stderr line naming it, exit 1, no registry or GitHub lookup', () => {
    for (const arg of ['./missing-provider.tgz', './missing-provider-dir', 'missing-provider.tar.gz']) {
      // a GitHub-slug reading of the path would wait on DNS far longer than this
      const r = sb.run(['plugins', 'install', arg], {cwd: sb.base, timeoutMs: 30_000, env: {DX_RUNNER_NPM_REGISTRY: 'http://127.0.0.1:9/'}})
      expect(r.code, `${arg}: ${r.stderr}`).to.equal(1)
      expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1)
      expect(r.stderr).to.include(join(sb.base, arg.replace(/^\.\//, ''))).and.include('does not exist')
    }
    mkdirSync(join(sb.base, 'not-a-package'))
    const r = sb.run(['plugins', 'install', './not-a-package'], {cwd: sb.base, timeoutMs: 30_000, env: {DX_RUNNER_NPM_REGISTRY: 'http://127.0.0.1:9/'}})
    expect(r.code, r.stderr).to.equal(1)
    expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1)
    expect(r.stderr).to.include(join(sb.base, 'not-a-package')).and.include('no package.json')
  })
})
