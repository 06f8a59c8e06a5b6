import { isParameterReference, type PipelineParameter } from '@loom/graph';

/**
 * Pure helpers behind the parameter form: what kind of field a JSON Schema draws, how a typed value is
 * checked against it, which pipeline parameters may stand for it and where the compiler's errors go.
 * Schemas arrive from the server's catalog, so every keyword is read defensively.
 */

/** A JSON Schema as the catalog carries it (TypeBox output): a plain object of keywords. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** A value an enum field can take: the `const` of an `anyOf` member or an `enum` entry. */
export type EnumOption = string | number | boolean | null;

/** What a schema draws as, discriminated by `kind`. */
export type FieldShape =
  | { kind: 'number'; integer: boolean }
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'enum'; options: readonly EnumOption[] }
  | { kind: 'list'; item: JsonSchema }
  | { kind: 'object'; properties: ReadonlyArray<[string, JsonSchema]>; required: ReadonlySet<string> }
  | { kind: 'record'; value: JsonSchema }
  | { kind: 'json' };

/** A path into a node's params: property names and list indices. */
export type FieldPath = ReadonlyArray<string | number>;

/** What every field of one form shares. */
export interface FieldContext {
  /** Prefix of every DOM id in the form, so two forms on a page do not clash. */
  idPrefix: string;
  /** The compiler's messages by JSON Pointer into the params, e.g. `/fraction`. */
  errors: Readonly<Record<string, string>>;
  /** The pipeline's parameters, which top-level fields may be bound to. */
  parameters: Readonly<Record<string, PipelineParameter>>;
  /** The id of a `<datalist>` of the columns reaching each input, for fields that name columns of it. */
  columnLists?: Readonly<Record<string, string>> | undefined;
}

/** The props of one field of the form, whatever it draws as. */
export interface SchemaFieldProps {
  schema: JsonSchema;
  value: unknown;
  /** Where the field sits in the params; its last segment is its name or list index. */
  path: FieldPath;
  /** The label shown, or for items the accessible name. */
  label: string;
  /** Whether the parent object lists the field as required. */
  required: boolean;
  /** `property`: a named field with label, reset and help. `item`: a row of a list or record. */
  variant: 'property' | 'item';
  /** Called with the new value; undefined unsets a property. */
  onChange: (value: unknown) => void;
  /** Removes an item from its list or record. */
  onRemove?: () => void;
  context: FieldContext;
}

export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The number a keyword holds, if it holds a finite one. */
export function numberKeyword(schema: JsonSchema, key: string): number | undefined {
  const value = schema[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The string a keyword holds, if any. */
export function stringKeyword(schema: JsonSchema, key: string): string | undefined {
  const value = schema[key];
  return typeof value === 'string' ? value : undefined;
}

function schemaList(schema: JsonSchema, key: string): JsonSchema[] | undefined {
  const value = schema[key];
  return Array.isArray(value) && value.every(isPlainObject) ? value : undefined;
}

function isEnumOption(value: unknown): value is EnumOption {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** The options of an enum: `enum`, a single `const`, or an `anyOf`/`oneOf` whose members are all `const`. */
export function enumOptions(schema: JsonSchema): readonly EnumOption[] | undefined {
  const listed = schema.enum;
  if (Array.isArray(listed) && listed.length > 0 && listed.every(isEnumOption)) return listed;
  if (Object.hasOwn(schema, 'const') && isEnumOption(schema.const)) return [schema.const];
  const members = schemaList(schema, 'anyOf') ?? schemaList(schema, 'oneOf');
  if (members === undefined || members.length === 0) return undefined;
  const options: EnumOption[] = [];
  for (const member of members) {
    if (!Object.hasOwn(member, 'const') || !isEnumOption(member.const)) return undefined;
    options.push(member.const);
  }
  return options;
}

/**
 * The field a schema draws as. Unions other than enums, tuples and anything without a recognised `type`
 * fall back to `json`, which edits any value as text.
 */
export function fieldShape(schema: JsonSchema): FieldShape {
  const options = enumOptions(schema);
  if (options !== undefined) return { kind: 'enum', options };
  switch (schema.type) {
    case 'number':
      return { kind: 'number', integer: false };
    case 'integer':
      return { kind: 'number', integer: true };
    case 'string':
      return { kind: 'string' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'array':
      return isPlainObject(schema.items) ? { kind: 'list', item: schema.items } : { kind: 'json' };
    case 'object':
    case undefined:
      return objectShape(schema);
    default:
      return { kind: 'json' };
  }
}

function objectShape(schema: JsonSchema): FieldShape {
  const properties = isPlainObject(schema.properties) ? Object.entries(schema.properties) : [];
  const shaped = properties.filter((entry): entry is [string, JsonSchema] => isPlainObject(entry[1]));
  if (shaped.length > 0) {
    const required = Array.isArray(schema.required) ? schema.required.filter((key) => typeof key === 'string') : [];
    return { kind: 'object', properties: shaped, required: new Set(required) };
  }
  // TypeBox writes Record<K, V> as one `patternProperties` entry; plain JSON Schema may use `additionalProperties`.
  const patterns = isPlainObject(schema.patternProperties) ? Object.values(schema.patternProperties) : [];
  const [only] = patterns;
  if (patterns.length === 1 && isPlainObject(only)) return { kind: 'record', value: only };
  if (isPlainObject(schema.additionalProperties)) return { kind: 'record', value: schema.additionalProperties };
  return { kind: 'json' };
}

/** Whether a string field reads better as a multi-line, monospaced editor (SQL, scripts, templates). */
export function prefersMultiline(name: string, schema: JsonSchema): boolean {
  const format = stringKeyword(schema, 'format');
  if (format === 'multiline' || format === 'textarea' || format === 'sql') return true;
  if (stringKeyword(schema, 'contentMediaType')?.startsWith('text/')) return true;
  return /(^|_)(query|sql|script|template)$/i.test(name);
}

/** A value for display: strings as they are, everything else as JSON. */
export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/** The schema's default as placeholder text, or undefined when it has none. */
export function defaultText(schema: JsonSchema): string | undefined {
  return Object.hasOwn(schema, 'default') ? formatValue(schema.default) : undefined;
}

/** A required field is marked only when it has no default: the compiler fills defaults in. */
export function needsValue(schema: JsonSchema, required: boolean): boolean {
  return required && !Object.hasOwn(schema, 'default');
}

const FORMAT_CHECKS: Readonly<Record<string, (text: string) => boolean>> = {
  email: (text) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text),
  uri: (text) => URL.canParse(text),
  url: (text) => URL.canParse(text),
  date: (text) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text)),
  'date-time': (text) => /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)),
  uuid: (text) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text),
};

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  email: 'an email address',
  uri: 'a URL',
  url: 'a URL',
  date: 'a date (YYYY-MM-DD)',
  'date-time': 'a date and time (ISO 8601)',
  uuid: 'a UUID',
};

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function matchesPattern(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    // A pattern this browser cannot compile is left to the compiler's check.
    return true;
  }
}

/**
 * Checks a value against its field's schema: type, bounds, integer, multipleOf, length, pattern, format,
 * enum and item counts. Items, properties and `{ "$param" }` references are not checked here: items
 * and properties are fields of their own, and a reference is resolved only by the compiler.
 * @returns a message for the user, or undefined when the value fits (or is unset).
 */
export function validateValue(schema: JsonSchema, value: unknown): string | undefined {
  if (value === undefined || isParameterReference(value)) return undefined;
  const shape = fieldShape(schema);
  switch (shape.kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? numberProblem(schema, value, shape.integer)
        : 'Must be a number';
    case 'string':
      return typeof value === 'string' ? stringProblem(schema, value) : 'Must be text';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'Must be true or false';
    case 'enum':
      return shape.options.includes(value as EnumOption)
        ? undefined
        : `Must be one of ${shape.options.map(formatValue).join(', ')}`;
    case 'list':
      return Array.isArray(value) ? countProblem(schema, value.length) : 'Must be a list';
    case 'object':
    case 'record':
      return isPlainObject(value) ? undefined : 'Must be an object';
    case 'json':
      return undefined;
  }
}

function numberProblem(schema: JsonSchema, value: number, integer: boolean): string | undefined {
  if (integer && !Number.isInteger(value)) return 'Must be a whole number';
  const minimum = numberKeyword(schema, 'minimum');
  const maximum = numberKeyword(schema, 'maximum');
  const above = numberKeyword(schema, 'exclusiveMinimum');
  const below = numberKeyword(schema, 'exclusiveMaximum');
  const multipleOf = numberKeyword(schema, 'multipleOf');
  if (minimum !== undefined && value < minimum) return `Must be at least ${minimum}`;
  if (maximum !== undefined && value > maximum) return `Must be at most ${maximum}`;
  if (above !== undefined && value <= above) return `Must be greater than ${above}`;
  if (below !== undefined && value >= below) return `Must be less than ${below}`;
  if (multipleOf !== undefined && multipleOf > 0) {
    const ratio = value / multipleOf;
    // Tolerance: 0.3 / 0.1 is 2.9999999999999996 in binary floating point.
    if (Math.abs(ratio - Math.round(ratio)) > 1e-9) return `Must be a multiple of ${multipleOf}`;
  }
  return undefined;
}

function stringProblem(schema: JsonSchema, value: string): string | undefined {
  const minLength = numberKeyword(schema, 'minLength');
  const maxLength = numberKeyword(schema, 'maxLength');
  const pattern = stringKeyword(schema, 'pattern');
  const format = stringKeyword(schema, 'format');
  const length = [...value].length;
  if (minLength !== undefined && length < minLength) {
    return minLength === 1 ? 'Must not be empty' : `Must be at least ${plural(minLength, 'character')}`;
  }
  if (maxLength !== undefined && length > maxLength) return `Must be at most ${plural(maxLength, 'character')}`;
  if (pattern !== undefined && !matchesPattern(pattern, value)) return `Must match the pattern ${pattern}`;
  const check = format === undefined ? undefined : FORMAT_CHECKS[format];
  if (format !== undefined && check !== undefined && !check(value)) return `Must be ${FORMAT_NAMES[format]}`;
  return undefined;
}

function countProblem(schema: JsonSchema, count: number): string | undefined {
  const minItems = numberKeyword(schema, 'minItems');
  const maxItems = numberKeyword(schema, 'maxItems');
  if (minItems !== undefined && count < minItems) return `Needs at least ${plural(minItems, 'item')}`;
  if (maxItems !== undefined && count > maxItems) return `Takes at most ${plural(maxItems, 'item')}`;
  return undefined;
}

/** What a number input's text means: a number that fits, no value, or a problem to show. */
export type NumberReading = { ok: true; value: number | undefined } | { ok: false; message: string };

/**
 * Reads a number input's text against its schema. Empty text is no value, unless `allowEmpty` is false
 * (a list item cannot be missing). `badInput` is the browser's flag for text it cannot read as a number.
 */
export function readNumberText(schema: JsonSchema, text: string, badInput = false, allowEmpty = true): NumberReading {
  if (badInput) return { ok: false, message: 'Must be a number' };
  if (text.trim() === '') return allowEmpty ? { ok: true, value: undefined } : { ok: false, message: 'Enter a number' };
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, message: 'Must be a number' };
  const message = validateValue(schema, value);
  return message === undefined ? { ok: true, value } : { ok: false, message };
}

/** The `min`, `max` and `step` attributes of a number input. `step` is `any` unless the schema fixes one. */
export function numberInputAttributes(
  schema: JsonSchema,
  integer: boolean,
): { min?: number; max?: number; step: number | 'any' } {
  const min = numberKeyword(schema, 'minimum') ?? numberKeyword(schema, 'exclusiveMinimum');
  const max = numberKeyword(schema, 'maximum') ?? numberKeyword(schema, 'exclusiveMaximum');
  const multipleOf = numberKeyword(schema, 'multipleOf');
  const step = multipleOf !== undefined && multipleOf > 0 ? multipleOf : integer ? 1 : 'any';
  return { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }), step };
}

/** A fresh value for a new list item or record entry: its default, or the simplest value that fits. */
export function initialValue(schema: JsonSchema): unknown {
  if (Object.hasOwn(schema, 'default')) return structuredClone(schema.default);
  const shape = fieldShape(schema);
  switch (shape.kind) {
    case 'number':
      return firstFittingNumber(schema, shape.integer);
    case 'string':
      return '';
    case 'boolean':
      return false;
    case 'enum':
      return shape.options[0] ?? null;
    case 'list':
      return [];
    case 'record':
      return {};
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [key, property] of shape.properties) {
        if (needsValue(property, shape.required.has(key))) value[key] = initialValue(property);
      }
      return value;
    }
    case 'json':
      return null;
  }
}

function firstFittingNumber(schema: JsonSchema, integer: boolean): number {
  const low = numberKeyword(schema, 'minimum') ?? numberKeyword(schema, 'exclusiveMinimum');
  const high = numberKeyword(schema, 'maximum') ?? numberKeyword(schema, 'exclusiveMaximum');
  const middle = low !== undefined && high !== undefined ? (low + high) / 2 : undefined;
  const candidates = [0, numberKeyword(schema, 'minimum'), low === undefined ? undefined : low + 1, middle];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    const value = integer ? Math.ceil(candidate) : candidate;
    if (validateValue(schema, value) === undefined) return value;
  }
  return 0;
}

/** Whether a field can be bound to a pipeline parameter: parameters are strings, numbers and booleans. */
export function isBindable(schema: JsonSchema): boolean {
  const kind = fieldShape(schema).kind;
  return kind === 'number' || kind === 'string' || kind === 'boolean' || kind === 'enum';
}

/** Whether a pipeline parameter's values always fit a field, judged by type, enum and default. */
export function parameterFits(schema: JsonSchema, parameter: PipelineParameter): boolean {
  const shape = fieldShape(schema);
  switch (shape.kind) {
    case 'number':
      return parameter.type === 'integer' || (parameter.type === 'number' && !shape.integer);
    case 'string':
      return parameter.type === 'string';
    case 'boolean':
      return parameter.type === 'boolean';
    case 'enum': {
      const typeFits = shape.options.some((option) =>
        typeof option === 'number'
          ? parameter.type === 'number' || parameter.type === 'integer'
          : typeof option === parameter.type,
      );
      const declared = [...(parameter.enum ?? []), ...(parameter.default === undefined ? [] : [parameter.default])];
      return typeFits && declared.every((value) => shape.options.includes(value));
    }
    default:
      return false;
  }
}

/** The pipeline parameters a field may be bound to, sorted by name. */
export function compatibleParameters(
  schema: JsonSchema,
  parameters: Readonly<Record<string, PipelineParameter>>,
): Array<[string, PipelineParameter]> {
  return Object.entries(parameters)
    .filter(([, parameter]) => parameterFits(schema, parameter))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
