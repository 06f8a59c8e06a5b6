import { ALIAS_PATTERN, MODEL_NAME_PATTERN } from '@loom/sdk';
import { ModelRegistryError } from './model-registry-error.ts';

// The rules live in the SDK, so that a node (deploy.endpoint) checks a name as the registry will.
export { ALIAS_PATTERN, MODEL_NAME_PATTERN } from '@loom/sdk';

const MODEL_NAME = new RegExp(MODEL_NAME_PATTERN);
const ALIAS = new RegExp(ALIAS_PATTERN);

/** @throws ModelRegistryError (`invalid`) naming the name and the rule it breaks. */
export function checkModelName(name: string): void {
  if (!MODEL_NAME.test(name)) {
    throw new ModelRegistryError(
      'invalid',
      `model name "${name}" is invalid: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
}

/** @throws ModelRegistryError (`invalid`) naming the alias and the rule it breaks. */
export function checkAlias(alias: string, field?: string): void {
  if (!ALIAS.test(alias)) {
    throw new ModelRegistryError(
      'invalid',
      `alias "${alias}" is invalid: use 1 to 64 letters, digits, "_" or "-", starting with a letter`,
      field,
    );
  }
}
