// Loads plugins in a plain Node process, as Loom does (Vitest's module runner does not apply Node's
// module hooks): argv[2] is the PluginSources JSON, argv[3] the generations to load, comma-separated
// ("" for one load without). Prints one JSON line per load.
import { PluginLoadError } from '../plugin-error.ts';
import { loadPluginRegistry } from '../plugin-registry.ts';

const sources = JSON.parse(process.argv[2] ?? '{}');
const generations = (process.argv[3] ?? '').split(',');
const importTimeoutMs = Number(process.argv[4] ?? 15_000);
for (const generation of generations) {
  try {
    const loaded = await loadPluginRegistry(sources, {
      importTimeoutMs,
      ...(generation === '' ? {} : { generation: Number(generation) }),
    });
    const nodes = loaded.registry.all().map((entry) => ({
      type: entry.definition.type,
      version: entry.definition.version,
      title: entry.definition.title,
      source: entry.source,
      plugin: entry.plugin,
      implementationHash: entry.implementationHash,
    }));
    process.stdout.write(`${JSON.stringify({ ok: true, nodes })}\n`);
  } catch (cause) {
    if (!(cause instanceof PluginLoadError)) throw cause;
    process.stdout.write(`${JSON.stringify({ ok: false, message: cause.message, problems: cause.problems })}\n`);
  }
}
// A plugin whose import never settles must not keep this process alive.
process.exit(0);
