#!/usr/bin/env node
// npm run demo: a real dispatch with the real claude CLI against the loopback model simulator,
// in a temporary git worktree. Shows `status` moving to exited_ok, then the report.
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(repo, 'packages/cli/bin/run.js')
const token = `demo-${Math.random().toString(36).slice(2)}`
const sim = await startSimulator({expectedToken: token})
mkdirSync('/tmp/agents', {recursive: true})
const agents = mkdtempSync('/tmp/agents/dx-demo-')
const worktree = join(agents, 'repo')
const base = mkdtempSync(join(tmpdir(), 'dx-demo-'))
mkdirSync(worktree)
const git = (...a) => execFileSync('git', a, {cwd: worktree, stdio: 'pipe', env: {...process.env, GIT_AUTHOR_NAME: 'demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'demo', GIT_COMMITTER_EMAIL: 'demo@example.com'}})
git('init', '-q', '-b', 'main')
writeFileSync(join(worktree, 'README.md'), '# demo repo\n')
git('add', '.')
git('commit', '-q', '-m', 'initial')
const prompt = join(base, 'task.md')
writeFileSync(prompt, 'Create a file named sim-output.txt in the current directory.\n')
mkdirSync(join(base, 'home'))
const env = {
  ...process.env,
  PATH: `${join(repo, 'node_modules/.bin')}:${process.env.PATH}`,
  HOME: join(base, 'home'),
  DX_RUNNER_HOME: join(base, 'dx-runner'),
  CC_GLM_AUTH_TOKEN: token,
  CC_GLM_BASE_URL: `${sim.url}/s/write-file`,
}
const dx = (...args) => {
  console.log(`\n$ dx-runner ${args.join(' ')}`)
  const r = spawnSync(process.execPath, [bin, ...args], {env, cwd: worktree, encoding: 'utf8'})
  process.stdout.write(r.stdout)
  process.stderr.write(r.stderr)
  return r
}
let ok = false
try {
  console.log(`simulator: ${sim.url}   worktree: ${worktree}`)
  if (dx('start', '--beads', 'bd-demo', '--provider', 'cc-glm', '--prompt-file', prompt, '--worktree', worktree).status !== 0) throw new Error('start failed')
  for (let i = 0; i < 120; i++) {
    const r = dx('status')
    if (/exited_(ok|err)/.test(r.stdout)) {
      ok = /exited_ok/.test(r.stdout)
      break
    }
    await new Promise((res) => setTimeout(res, 1000))
  }
  dx('check', '--beads', 'bd-demo')
  dx('report', '--beads', 'bd-demo', '--format', 'markdown')
  dx('report', '--beads', 'bd-demo')
} finally {
  spawnSync(process.execPath, [bin, 'stop', '--beads', 'bd-demo'], {env, encoding: 'utf8'})
  await sim.close()
  rmSync(base, {recursive: true, force: true})
  rmSync(agents, {recursive: true, force: true})
}
console.log(ok ? '\ndemo: the job reached exited_ok' : '\ndemo: the job did NOT reach exited_ok')
process.exit(ok ? 0 : 1)
