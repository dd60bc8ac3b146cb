import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {PreflightCheck, ProviderContext} from '@dx-runner/provider'

export interface BinaryCheckOptions {
  /** How to get the CLI, for the "not found" line (e.g. `npm i -g @google/gemini-cli`). */
  install: string
  /**
   * Ask `--version` from a throwaway directory used as HOME (and cwd), in the environment this
   * returns for it: for CLIs that write state under HOME on any run. Default: ctx.env, as is.
   */
  isolatedEnv?: (home: string) => NodeJS.ProcessEnv
}

/** A preflight's `<command> binary` check: found on PATH (`bin`) and answering `--version` within the context's timeout. */
export async function binaryCheck(command: string, bin: string | undefined, ctx: ProviderContext, opts: BinaryCheckOptions): Promise<PreflightCheck> {
  const name = `${command} binary`
  if (!bin) return {name, status: 'fail', detail: `${command} not found on PATH; ${opts.install}`}
  const home = opts.isolatedEnv ? mkdtempSync(join(tmpdir(), `dx-runner-${command}-`)) : undefined
  const version = await new Promise<string | undefined>((resolve) => {
    const env = home ? opts.isolatedEnv!(home) : ctx.env
    execFile(bin, ['--version'], {env, cwd: home, timeout: ctx.timeoutMs, encoding: 'utf8'}, (error, stdout) => resolve(error ? undefined : stdout.trim().split('\n')[0]))
  }).finally(() => {
    if (home) rmSync(home, {recursive: true, force: true})
  })
  return version ? {name, status: 'ok', detail: `${bin} (${version})`} : {name, status: 'fail', detail: `${bin} --version failed`}
}
