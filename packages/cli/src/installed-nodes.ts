import { PluginLoadError, type PluginRegistry } from '@loom/plugins';
import { loadNodeRegistry } from './node-registry.ts';
import { UserError } from './user-error.ts';

/** The installation's nodes, or a {@link UserError} listing what is wrong with its plugins. */
export async function installedNodes(): Promise<PluginRegistry> {
  try {
    return await loadNodeRegistry();
  } catch (cause) {
    if (cause instanceof PluginLoadError) throw new UserError(cause.message, 1);
    throw cause;
  }
}
