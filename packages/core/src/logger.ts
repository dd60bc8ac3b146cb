/** One logger for diagnostics on stderr (winston, loaded on first use). Secrets registered here are masked. */
export interface Logger {
  error(msg: string, meta?: object): void
  warn(msg: string, meta?: object): void
  info(msg: string, meta?: object): void
  debug(msg: string, meta?: object): void
}

// one set per process, whichever copy of core (bundled or not) registers or redacts
const secrets: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('dx-runner.secrets')] ??= new Set<string>()) as Set<string>

export function registerSecretForRedaction(value: string): void {
  if (value.length >= 4) secrets.add(value)
}

export function redact(text: string): string {
  let out = text
  for (const s of secrets) out = out.split(s).join('[redacted]')
  return out
}

let instance: Logger | undefined

export async function getLogger(opts: {level?: string; file?: string} = {}): Promise<Logger> {
  if (instance) return instance
  const winston = (await import('winston')).default
  const level = opts.level ?? process.env.DX_RUNNER_LOG_LEVEL ?? 'warn'
  const file = opts.file ?? process.env.DX_RUNNER_LOG_FILE
  const mask = winston.format((info) => {
    info.message = redact(String(info.message))
    return info
  })
  const transports: import('winston').transport[] = [
    new winston.transports.Console({
      stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'],
      format: winston.format.combine(mask(), winston.format.printf((i) => `dx-runner ${i.level}: ${String(i.message)}`)),
    }),
  ]
  if (file) transports.push(new winston.transports.File({filename: file, format: winston.format.combine(mask(), winston.format.timestamp(), winston.format.json())}))
  instance = winston.createLogger({level, transports})
  return instance
}
