// A node's parameter JSON Schema, told in words for `loom nodes`: the schema keywords that the
// parameter builder (TypeBox) writes, turned into a type, a default, the values allowed and a description.

type Schema = Record<string, unknown>;

/** One parameter as `loom nodes` prints it; every field is display text. */
export interface ParameterSummary {
  name: string;
  /** `integer`, `string[]`, `number | string`, `{ metric: string, min?: number }[]`; `any` when unconstrained. */
  type: string;
  /** The default as a JSON value (`"number"`, `false`, `[100]`), `required`, or `—` for an optional one without. */
  default: string;
  /** The values allowed: `one of "a", "b"`, `1 ≤ x ≤ 100`, `non-empty`, `at least 1 item`; `''` for anything of its type. */
  allowed: string;
  description: string;
}

const isSchema = (value: unknown): value is Schema =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The parameters of a node's parameter schema (as `parameterJsonSchema` gives it), in declaration order.
 *
 * @example
 * summarizeParameters({ type: 'object', properties: { trees: { type: 'integer', default: 100, minimum: 1 } } });
 * // [{ name: 'trees', type: 'integer', default: '100', allowed: 'x ≥ 1', description: '' }]
 */
export function summarizeParameters(schema: Schema): ParameterSummary[] {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).map(([name, member]) => {
    const property = isSchema(member) ? member : {};
    return {
      name,
      type: typeOf(property),
      default: 'default' in property ? JSON.stringify(property.default) : required.has(name) ? 'required' : '—',
      allowed: allowedValues(property),
      description: typeof property.description === 'string' ? property.description : '',
    };
  });
}

/**
 * A description cut to `width` characters at most: its first sentence, else its first clause (up to
 * a `;`), else the first sentence cut at a word with `…`. A `.` ends a sentence only before a capital
 * letter, a digit or the end, and never in `e.g.` or `i.e.`.
 */
export function shortDescription(description: string, width = 72): string {
  const sentence = (/^.*?(?<!\be\.g|\bi\.e)\.(?=\s+[\p{Lu}\d]|\s*$)/su.exec(description)?.[0] ?? description).replace(
    /\.$/u,
    '',
  );
  if (sentence.length <= width) return sentence;
  const clause = /^(.*?);\s/su.exec(sentence)?.[1];
  if (clause !== undefined && clause.length <= width) return clause;
  const cut = sentence.slice(0, width - 1);
  const space = cut.lastIndexOf(' ');
  const kept = (space > width / 2 ? cut.slice(0, space) : cut).replace(/(,?\s*e\.g\.)?[\s,;:(]*$/u, '');
  return `${kept}…`;
}

function constants(schema: Schema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  if (!Array.isArray(schema.anyOf)) return undefined;
  const options = schema.anyOf.filter(isSchema);
  return options.length === schema.anyOf.length && options.every((option) => 'const' in option)
    ? options.map((option) => option.const)
    : undefined;
}

function typeOf(schema: Schema): string {
  const values = constants(schema);
  if (values !== undefined) return [...new Set(values.map((value) => jsonType(value)))].join(' | ');
  if (Array.isArray(schema.anyOf)) return schema.anyOf.filter(isSchema).map(typeOf).join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  switch (schema.type) {
    case 'array': {
      const item = isSchema(schema.items) ? typeOf(schema.items) : 'any';
      return `${item.includes(' ') && !item.startsWith('{') ? `(${item})` : item}[]`;
    }
    case 'object': {
      if (isSchema(schema.properties) && Object.keys(schema.properties).length > 0) {
        const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
        const fields = Object.entries(schema.properties).map(
          ([name, member]) => `${name}${required.has(name) ? '' : '?'}: ${isSchema(member) ? typeOf(member) : 'any'}`,
        );
        return `{ ${fields.join(', ')} }`;
      }
      const [value] = isSchema(schema.patternProperties) ? Object.values(schema.patternProperties) : [];
      if (isSchema(value)) return `{ [name]: ${typeOf(value)} }`;
      if (isSchema(schema.additionalProperties)) return `{ [name]: ${typeOf(schema.additionalProperties)} }`;
      return 'object';
    }
    case undefined:
      return 'any';
    default:
      return Array.isArray(schema.type) ? schema.type.join(' | ') : String(schema.type);
  }
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

function allowedValues(schema: Schema): string {
  const values = constants(schema);
  if (values !== undefined) return `one of ${values.map((value) => JSON.stringify(value)).join(', ')}`;
  const rules = [...range(schema), ...lengths(schema)];
  if (typeof schema.pattern === 'string' && schema.pattern !== '^(.*)$') rules.push(`matches ${schema.pattern}`);
  if (schema.type === 'array' && isSchema(schema.items)) {
    const each = allowedValues(schema.items);
    if (each !== '') rules.push(`each ${each}`);
  }
  if (schema.type === 'object') {
    const [value] = isSchema(schema.patternProperties) ? Object.values(schema.patternProperties) : [];
    const each = isSchema(value) ? allowedValues(value) : '';
    if (each !== '') rules.push(`each ${each}`);
  }
  return rules.join(', ');
}

/** `1 ≤ x ≤ 100`, `0 < x ≤ 1`, `x ≥ 50`: the number bounds, inclusive or not. */
function range(schema: Schema): string[] {
  const number = (key: string) => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
  const low =
    number('exclusiveMinimum') !== undefined
      ? { value: number('exclusiveMinimum'), sign: '<' }
      : number('minimum') !== undefined
        ? { value: number('minimum'), sign: '≤' }
        : undefined;
  const high =
    number('exclusiveMaximum') !== undefined
      ? { value: number('exclusiveMaximum'), sign: '<' }
      : number('maximum') !== undefined
        ? { value: number('maximum'), sign: '≤' }
        : undefined;
  if (low !== undefined && high !== undefined) return [`${low.value} ${low.sign} x ${high.sign} ${high.value}`];
  if (low !== undefined) return [`x ${low.sign === '<' ? '>' : '≥'} ${low.value}`];
  if (high !== undefined) return [`x ${high.sign} ${high.value}`];
  return [];
}

function lengths(schema: Schema): string[] {
  const rules: string[] = [];
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (typeof schema.minLength === 'number') {
    rules.push(schema.minLength === 1 ? 'non-empty' : `at least ${count(schema.minLength, 'character')}`);
  }
  if (typeof schema.maxLength === 'number') rules.push(`at most ${count(schema.maxLength, 'character')}`);
  if (typeof schema.minItems === 'number') rules.push(`at least ${count(schema.minItems, 'item')}`);
  if (typeof schema.maxItems === 'number') rules.push(`at most ${count(schema.maxItems, 'item')}`);
  return rules;
}
