#!/usr/bin/env node
// Part of `npm run build`: the entry modules bin/run.js loads before oclif (argv, config, --host,
// the fast path of status/check/start) bundled with dx-runner's own packages into a few ESM files,
// so a command loads a handful of modules instead of a hundred (README "Performance"). Everything
// that is not a @dx-runner package stays an import of its own (oclif, ajv, winston: loaded lazily).
import {build} from 'esbuild'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const cli = join(dirname(fileURLToPath(import.meta.url)), '../packages/cli')
const ownPackages = {
  name: 'own-packages-only',
  setup(b) {
    b.onResolve({filter: /^[^./]/}, (args) => (args.path.startsWith('@dx-runner/') ? undefined : {path: args.path, external: true}))
  },
}
await build({
  entryPoints: {argv: 'dist/lib/argv.js', config: 'dist/lib/config.js', remote: 'dist/lib/remote.js', 'fast-path': 'dist/fast-path.js'},
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
