import {Args} from '@oclif/core'
import {SETTING_SOURCES, type SettingKey} from '@dx-runner/core'
import {DxCommand} from '../../lib/base-command.js'
import {emit, lines} from '../../lib/output.js'
import {commandFlags} from '../../lib/oclif-flags.js'
import {checkProfileProvider, startSettings} from '../../lib/start-settings.js'
import {table} from '../../lib/views.js'

const shown = (v: unknown) => (v === null ? '-' : Array.isArray(v) ? v.join(',') || '-' : typeof v === 'object' ? Object.entries(v as object).map(([k, x]) => `${k}=${String(x)}`).join(',') || '-' : String(v))

export default class ProfilesShow extends DxCommand {
  static summary = 'What a start with this profile (and these flags) would get, and where each value comes from.'
  static description = `Resolves every start setting as \`start --profile <name>\` would: ${SETTING_SOURCES.join(' > ')}. Give start's flags (--provider, --model, --timeout, …) to see their effect. Without a name: DX_RUNNER_PROFILE, else no profile.`
  static examples = ['<%= config.bin %> profiles show cc-glm', '<%= config.bin %> profiles show cc-glm --timeout 30m --json', '<%= config.bin %> profiles show ./team.yaml']
  static args = {name: Args.string({description: 'profile name (see `dx-runner profiles`) or a .yaml/.yml/.json file', required: false})}
  static flags = commandFlags('profiles:show')

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ProfilesShow)
    const {profile, settings, sources} = await startSettings({...flags, profile: args.name}, process.env, process.cwd())
    const loaded = await this.providers()
    checkProfileProvider(profile, (n) => loaded.find(n) !== undefined, () => [...loaded.registry.providers.keys()].sort())
    const doc = {profile: profile ? {name: profile.name, file: profile.file} : null, settings, settings_sources: sources}
    const keys = Object.keys(settings) as SettingKey[]
    const text = lines(profile ? `profile ${profile.name} (${profile.origin}: ${profile.file})` : 'no profile') + table(['SETTING', 'VALUE', 'SOURCE'], keys.map((k) => [k, shown(settings[k]), sources[k]]))
    emit({doc, text}, flags.json)
  }
}
