#!/usr/bin/env node
// Part of `npm run build` (README "Performance"): ESM loads every module separately, and one type or
// function per file makes a hundred of them, so what a command loads is bundled with dx-runner's own
// packages: @dx-runner/core's entry (core + the provider SDK) as dist/core.bundle.js, each built-in
// provider's hook as dist/provider.bundle.js, and what bin/run.js loads before oclif (argv, config,
// --host, the fast path of status/check/start) into the CLI's dist/bundle/. Everything that is not a
// @dx-runner package stays an import of its own (oclif, ajv, winston: loaded lazily).
import {build} from 'esbuild'
import {rmSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const packages = join(dirname(fileURLToPath(import.meta.url)), '../packages')
const cli = join(packages, 'cli')
const ownPackages = {
  name: 'own-packages-only',
  setup(b) {
    b.onResolve({filter: /^[^./]/}, (args) => (args.path.startsWith('@dx-runner/') ? undefined : {path: args.path, external: true}))
  },
}
const common = {bundle: true, format: 'esm', platform: 'node', target: 'node20', plugins: [ownPackages], logLevel: 'warning'}
// core first: the CLI's bundle below takes core's sources through the package, as users do
await build({...common, absWorkingDir: join(packages, 'core'), entryPoints: ['dist/index.js'], outfile: 'dist/core.bundle.js'})
for (const p of ['provider-cc-glm', 'provider-claude-code', 'provider-gemini', 'provider-opencode']) {
  await build({...common, absWorkingDir: join(packages, p), entryPoints: ['dist/hooks/provider.js'], outfile: 'dist/provider.bundle.js'})
}
// split chunks have content-hashed names: last build's would pile up beside this one's (and be packed)
rmSync(join(cli, 'dist/bundle'), {recursive: true, force: true})
await build({
  entryPoints: {argv: 'dist/lib/argv.js', config: 'dist/lib/config.js', 'needs-config': 'dist/lib/needs-config.js', failure: 'dist/lib/failure.js', remote: 'dist/lib/remote.js', 'fast-path': 'dist/fast-path.js'},
  absWorkingDir: cli,
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [ownPackages],
  logLevel: 'warning',
})
