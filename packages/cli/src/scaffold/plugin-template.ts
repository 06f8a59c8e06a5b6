import { nodeFiles } from './node-files.ts';
import { packageFiles } from './package-files.ts';
import { pluginReadme } from './plugin-readme.ts';
import type { PluginTemplateOptions, ScaffoldFile } from './scaffold-file.ts';

/** Every file of a new plugin package, ready to install, test, type-check and load into Loom. */
export function pluginTemplate(options: PluginTemplateOptions): ScaffoldFile[] {
  return [...packageFiles(options), ...nodeFiles(options), pluginReadme(options)];
}
