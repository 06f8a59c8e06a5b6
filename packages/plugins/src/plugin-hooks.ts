import { register } from 'node:module';

let registered = false;

/**
 * Registers the module hooks plugins are loaded with (once per process): `@loom/sdk` resolves to this
 * Loom's SDK from any plugin, and generation queries reload a plugin's whole module graph. See
 * `plugin-hooks.mjs`.
 */
export function registerPluginHooks(): void {
  if (registered) return;
  registered = true;
  register(new URL('./plugin-hooks.mjs', import.meta.url), {
    data: { sdkParentURL: import.meta.url },
  });
}
