#!/usr/bin/env node
// npm run bench: speed and memory against a floor (`node -e 0`) measured in the same run.
// Never asserted in tests; results go to bench/results/latest.json and latest.md.
import {execFileSync, spawnSync} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {ensureDir, jobPaths, launchSupervisor, stopProcessGroup} from '@dx-runner/core'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(repo, 'packages/cli/bin/run.js')
const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const JOBS = Number(process.env.BENCH_JOBS ?? 100)
const LIVE = Number(process.env.BENCH_LIVE ?? 5)

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
function timeCmd(argv, env, runs = RUNS) {
  const samples = []
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(argv[0], argv.slice(1), {env, encoding: 'utf8'})
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
  }
  return median(samples)
}

const sim = await startSimulator()
mkdirSync('/tmp/agents', {recursive: true})
const agents = mkdtempSync('/tmp/agents/dx-bench-')
const base = mkdtempSync(join(tmpdir(), 'dx-bench-'))
const root = join(base, 'dx-runner')
const results = {generated_at: new Date().toISOString(), node: process.version, runs: RUNS, figures: []}
const add = (name, value, unit, floor, target) => {
  const f = {name, value: Math.round(value * 100) / 100, unit}
  if (floor !== undefined) {
    f.floor_ms = Math.round(floor * 100) / 100
    f.ratio = Math.round((value / floor) * 100) / 100
  }
  if (target !== undefined) f.target = target
  results.figures.push(f)
  console.log(`${name}: ${f.value} ${unit}${f.ratio !== undefined ? ` (${f.ratio}x floor ${f.floor_ms} ms)` : ''}${target ? ` target ${target}` : ''}`)
}
const monitors = []
try {
  const worktreeFor = (i) => {
    const wt = join(agents, `wt-${i}`)
    mkdirSync(wt)
    execFileSync('git', ['init', '-q', '-b', 'main'], {cwd: wt})
    writeFileSync(join(wt, 'README.md'), 'bench\n')
    execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.com', 'commit', '-q', '--allow-empty', '-m', 'init'], {cwd: wt})
    return wt
  }
  const prompt = join(base, 'task.md')
  writeFileSync(prompt, 'Create a file named sim-output.txt in the current directory.\n')
  mkdirSync(join(base, 'home'))
  const env = (scenario) => ({
    ...process.env,
    PATH: `${join(repo, 'node_modules/.bin')}:${process.env.PATH}`,
    HOME: join(base, 'home'),
    DX_RUNNER_HOME: root,
    CC_GLM_AUTH_TOKEN: 'bench-token',
    CC_GLM_BASE_URL: `${sim.url}/s/${scenario}`,
  })
  const dx = (args, scenario = 'answer') => spawnSync(process.execPath, [bin, ...args], {env: env(scenario), encoding: 'utf8'})

  const floor = timeCmd([process.execPath, '-e', '0'], process.env)
  add('node -e 0 (floor)', floor, 'ms')
  add('dx-runner --version', timeCmd([process.execPath, bin, '--version'], process.env), 'ms', floor, '<= 2.5x')

  // One real finished job, cloned into a realistic population, plus live hanging agents.
  let r = dx(['start', '--beads', 'bench-done', '--provider', 'cc-glm', '--prompt-file', prompt, '--worktree', worktreeFor('done')], 'write-file')
  if (r.status !== 0) throw new Error(r.stderr)
  for (let i = 0; i < 240; i++) {
    if (/exited_/.test(dx(['check', '--beads', 'bench-done']).stdout)) break
    await new Promise((res) => setTimeout(res, 500))
  }
  const dir = join(root, 'cc-glm')
  for (let i = 0; i < JOBS - LIVE - 1; i++) {
    const id = `bench-${String(i).padStart(4, '0')}`
    for (const name of readdirSync(dir)) {
      if (!name.startsWith('bench-done.') || name.endsWith('.tmp')) continue
      const target = join(dir, name.replace('bench-done.', `${id}.`))
      cpSync(join(dir, name), target, {recursive: true})
      if (name.endsWith('.meta')) {
        const m = JSON.parse(readFileSync(target, 'utf8'))
        m.beads = id
        writeFileSync(target, JSON.stringify(m))
      }
    }
  }
  const startSamples = []
  for (let i = 0; i < LIVE; i++) {
    const t0 = process.hrtime.bigint()
    r = dx(['start', '--beads', `bench-live-${i}`, '--provider', 'cc-glm', '--prompt-file', prompt, '--worktree', worktreeFor(`live-${i}`)], 'hang')
    startSamples.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.status !== 0) throw new Error(r.stderr)
  }
  add('start (cached preflight)', median(startSamples), 'ms', floor, '<= 4x')
  dx(['status', '--json'])
  add(`status --json over ${JOBS} jobs (${LIVE} live)`, timeCmd([process.execPath, bin, 'status', '--json'], env('hang'), 10), 'ms', floor, '<= 3x')
  add('check of one job among them', timeCmd([process.execPath, bin, 'check', '--beads', 'bench-0001', '--json'], env('hang'), 10), 'ms', floor, '<= 2x')

  // Supervisor memory: VmRSS of each live job's sh supervisor.
  const rss = []
  for (let i = 0; i < LIVE; i++) {
    const pid = Number(readFileSync(join(dir, `bench-live-${i}.monitor.pid`), 'utf8').split(' ')[0])
    monitors.push(pid)
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    if (m) rss.push(Number(m[1]) / 1024)
  }
  add('supervisor RSS per job', median(rss), 'MiB', undefined, '<= 2 MiB')

  // Agent exit → rc on disk: the agent stamps the time just before it exits.
  const lat = []
  const supRoot = join(base, 'sup')
  for (let i = 0; i < 10; i++) {
    const paths = jobPaths(supRoot, 'bench', `exit-${i}`)
    ensureDir(paths.dir)
    const stamp = join(paths.dir, `exit-${i}.stamp`)
    const launched = await launchSupervisor({
      paths,
      spec: {command: 'sh', args: ['-c', `sleep 0.2; date +%s%N > ${stamp}; exit 0`], env: {}, secretEnv: {}, stdin: 'null', cwd: base},
      promptFile: prompt,
      baseEnv: {PATH: process.env.PATH},
      commit: () => writeFileSync(paths.meta, '{}'),
    })
    // Poll tightly and take the wall clock when the rc file is first seen (file mtimes are too coarse).
    let seenAt
    for (const end = Date.now() + 10_000; seenAt === undefined && Date.now() < end; ) {
      try {
        statSync(paths.rc)
        seenAt = Date.now()
      } catch {
        await new Promise((res) => setImmediate(res))
      }
    }
    const t = Number(BigInt(readFileSync(stamp, 'utf8').trim()) / 1000n) / 1000
    lat.push(seenAt - t)
    await stopProcessGroup(launched.monitor.pid, 100)
  }
  add('agent exit → .rc on disk (seen by a poller)', median(lat), 'ms', undefined, '<= 1000 ms')
} finally {
  for (const m of monitors) await stopProcessGroup(m, 1000)
  spawnSync(process.execPath, [bin, 'prune'], {env: {...process.env, DX_RUNNER_HOME: root}})
  await sim.close()
  rmSync(base, {recursive: true, force: true})
  rmSync(agents, {recursive: true, force: true})
}

const outDir = join(repo, 'bench/results')
mkdirSync(outDir, {recursive: true})
const json = `${JSON.stringify(results, null, 2)}\n`
writeFileSync(join(outDir, 'latest.json.tmp'), json)
renameSync(join(outDir, 'latest.json.tmp'), join(outDir, 'latest.json'))
const md = [
  `# dx-runner bench (${results.generated_at}, node ${results.node})`,
  '',
  '| figure | value | floor | ratio | target |',
  '| --- | --- | --- | --- | --- |',
  ...results.figures.map((f) => `| ${f.name} | ${f.value} ${f.unit} | ${f.floor_ms ?? '-'} | ${f.ratio ?? '-'} | ${f.target ?? '-'} |`),
  '',
].join('\n')
writeFileSync(join(outDir, 'latest.md.tmp'), md)
renameSync(join(outDir, 'latest.md.tmp'), join(outDir, 'latest.md'))
// The README's Performance section is this table, between markers: produced, never typed.
const readme = join(repo, 'README.md')
const text = readFileSync(readme, 'utf8')
const start = text.indexOf('<!-- bench:start -->')
const end = text.indexOf('<!-- bench:end -->')
if (start >= 0 && end > start) {
  const table = md.split('\n').slice(2).join('\n').trim()
  const block = `<!-- bench:start -->\nMeasured by \`npm run bench\` on ${results.generated_at} (node ${results.node}, ${RUNS} runs, median):\n\n${table}\n`
  writeFileSync(readme, text.slice(0, start) + block + text.slice(end))
}
console.log(`wrote ${join(outDir, 'latest.json')} and latest.md`)
