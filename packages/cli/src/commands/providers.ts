import {DxCommand} from '../lib/base-command.js'
import {emit, lines} from '../lib/output.js'
import {commandFlags} from '../lib/oclif-flags.js'
import {table} from '../lib/views.js'
import {printable} from '../lib/printable.js'

export default class Providers extends DxCommand {
  static summary = 'Installed providers: package, version, default model.'
  static description = 'Built-in providers and ones added with `dx-runner plugins install`. Plugins built for another provider contract version are listed as incompatible and not loaded.'
  static examples = ['<%= config.bin %> providers', '<%= config.bin %> providers --json']
  static flags = commandFlags('providers')

  async run(): Promise<void> {
    const {flags} = await this.parse(Providers)
    const {registry} = await this.providers()
    const providers = [...registry.providers.values()]
      .map(({provider, plugin}) => ({
        name: provider.name,
        package: plugin.name,
        version: plugin.version,
        default_model: provider.defaultModel,
        description: provider.description,
        specification_version: provider.specificationVersion,
      }))
      .sort((a, b) => a.name.localeCompare(b.name))
    const incompatible = registry.incompatible.map((i) => ({package: i.plugin.name, version: i.plugin.version, ...(i.name ? {name: i.name} : {}), reason: i.reason}))
    const text = table(['NAME', 'PACKAGE', 'VERSION', 'DEFAULT MODEL'], providers.map((p) => [p.name, p.package, p.version, p.default_model])) +
      lines(...incompatible.map((i) => printable(`incompatible: ${i.package}@${i.version}: ${i.reason}`)))
    emit({doc: {providers, incompatible}, text}, flags.json)
  }
}
