import {mkdirSync} from 'node:fs'
import {dirname, isAbsolute, resolve} from 'node:path'
import {DxError, type LaunchSpec} from '@dx-runner/provider'
import {writeFileAtomic} from './write-file-atomic.js'

/** Where a launch file goes in `dir`; a path that would leave `dir` is refused. */
export function launchFileTarget(dir: string, path: string, providerName: string): string {
  const target = resolve(dir, path)
  if (isAbsolute(path) || !target.startsWith(`${dir}/`)) {
    throw new DxError(`${providerName}: launch file ${JSON.stringify(path)} would leave the job directory`)
  }
  return target
}

/** Write a launch spec's files into `dir` (0600, each through a temp file and a rename); a path that would leave `dir` is refused. */
export function writeLaunchFiles(dir: string, spec: Pick<LaunchSpec, 'files'>, providerName: string): void {
  writeFiles(dir, (spec.files ?? []).map((f) => ({path: f.path, content: f.content})), providerName)
}

/** Write a launch spec's secret files (LaunchSpec.secretFiles) into `dir`, 0600; returns their paths relative to `dir`. */
export function writeSecretFiles(dir: string, spec: Pick<LaunchSpec, 'secretFiles'>, providerName: string): string[] {
  const files = spec.secretFiles ?? []
  writeFiles(dir, files.map((f) => ({path: f.path, content: f.content.reveal()})), providerName)
  return files.map((f) => f.path)
}

function writeFiles(dir: string, files: {path: string; content: string}[], providerName: string): void {
  for (const f of files) {
    const target = launchFileTarget(dir, f.path, providerName)
    mkdirSync(dirname(target), {recursive: true, mode: 0o700})
    writeFileAtomic(target, f.content)
  }
}
