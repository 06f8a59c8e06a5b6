import { ModelRegistryError } from './model-registry-error.ts';

/**
 * A model name: it appears in URLs (`/api/models/{name}`, `/v2/models/{name}/infer`) and file names,
 * so letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 128 characters.
 */
export const MODEL_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';

/**
 * An alias (`production`, `staging`, `canary-eu`): starts with a letter, so it is never mistaken for a
 * version number where either may stand; letters, digits, `_` and `-`, at most 64 characters.
 */
export const ALIAS_PATTERN = '^[A-Za-z][A-Za-z0-9_-]{0,63}$';

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
