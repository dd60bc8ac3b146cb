#!/usr/bin/env node
// The queue's hand-off (README "Concurrency"): a job's supervisor starts this, detached, with the job's
// directory once its agent has ended; it launches the provider's queued jobs that now have a slot, then
// exits. The jobs it launches hand their slots on the same way. Nothing to say: stdout/stderr are /dev/null.
import {fileURLToPath} from 'node:url'

const [jobDir] = process.argv.slice(2)
if (jobDir) {
  // the ending job's credential source (NAME=value lines from its supervisor, over a pipe: never argv)
  const chunks = []
  if (!process.stdin.isTTY) for await (const c of process.stdin) chunks.push(c)
  for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0 && process.env[line.slice(0, eq)] === undefined) process.env[line.slice(0, eq)] = line.slice(eq + 1)
  }
  process.env.DX_RUNNER_HANDOFF = fileURLToPath(import.meta.url)
  const {runHandOff} = await import('../dist/lib/hand-off.js')
  await runHandOff(jobDir)
}
