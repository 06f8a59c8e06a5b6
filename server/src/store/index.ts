export { EventBatcher } from './event-batcher.ts';
export { LoomStore, type LoomStoreOptions } from './loom-store.ts';
export { MIGRATIONS, type Migration, migrate, SCHEMA_VERSION } from './migrations.ts';
export { ALIAS_PATTERN, MODEL_NAME_PATTERN } from './model-names.ts';
export { ModelRegistryError, type ModelRegistryErrorReason } from './model-registry-error.ts';
export { SqliteStepCache } from './sqlite-step-cache.ts';
export type * from './store-types.ts';
export { FIRES_KEPT, type TickClaim, TriggerStore } from './trigger-store.ts';
export type * from './trigger-types.ts';
