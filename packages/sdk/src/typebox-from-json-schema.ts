import { type TSchema, Type } from '@sinclair/typebox';

type JsonObject = Readonly<Record<string, unknown>>;

/**
 * Rebuilds a TypeBox schema from the plain JSON Schema that TypeBox once wrote (as a node catalog sends
 * it), so that TypeBox's checker (`TypeCompiler`, `Value`) treats it exactly as it treated the original:
 * the checker dispatches on TypeBox's hidden `Kind` marker, which JSON loses, and reads the rest from the
 * plain keywords, which JSON keeps.
 *
 * It covers what parameter schemas are built from: objects (`properties`, `required`,
 * `additionalProperties`), records (`patternProperties`), strings, numbers, integers, booleans, null,
 * arrays and tuples, unions (`anyOf`), literals (`const`), `enum` (as a union of literals) and schemas
 * with no type (unknown). Every other keyword (`title`, `description`, `default`, `examples`, bounds,
 * `pattern`, `format`…) stays on the result as an option, where TypeBox reads it as it would have.
 * A shape outside that list (`allOf`, `oneOf`, `not`, `$ref`, a list of types…) never throws: it
 * becomes `Type.Unknown` with all its keywords kept, so such a value is accepted here and left for the
 * server to check. Pure: no Node.js built-ins, so it runs in browsers.
 *
 * @example
 * const schema = typeBoxFromJsonSchema({ type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, required: ['n'] });
 * TypeCompiler.Compile(schema).Check({ n: 0 }); // false, as for Type.Object({ n: Type.Integer({ minimum: 1 }) })
 */
export function typeBoxFromJsonSchema(schema: unknown): TSchema {
  if (schema === true) return Type.Unknown();
  if (schema === false) return Type.Never();
  if (!isJsonObject(schema)) return Type.Unknown();
  if ('const' in schema) return fromConst(schema);
  if (Array.isArray(schema.enum)) return fromEnum(schema, schema.enum);
  if (Array.isArray(schema.anyOf)) {
    return Type.Union(schema.anyOf.map(typeBoxFromJsonSchema), without(schema, ['anyOf']));
  }
  switch (schema.type) {
    case 'object':
      return isJsonObject(schema.patternProperties) && schema.properties === undefined
        ? fromRecord(schema, schema.patternProperties)
        : fromObject(schema);
    case 'array':
      return fromArray(schema);
    case 'string':
      return Type.String(without(schema, ['type']));
    case 'number':
      return Type.Number(without(schema, ['type']));
    case 'integer':
      return Type.Integer(without(schema, ['type']));
    case 'boolean':
      return Type.Boolean(without(schema, ['type']));
    case 'null':
      return Type.Null(without(schema, ['type']));
    default:
      // No type (TypeBox's Unknown and Any write none), or a shape this converter does not know.
      return Type.Unknown({ ...schema });
  }
}

function fromConst(schema: JsonObject): TSchema {
  const value = schema.const;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return Type.Literal(value, without(schema, ['const', 'type']));
  }
  if (value === null) return Type.Null(without(schema, ['const', 'type']));
  return Type.Unknown({ ...schema });
}

/** An `enum` becomes the union of literals TypeBox's own `Type.Union([Type.Literal(…), …])` writes as `anyOf`. */
function fromEnum(schema: JsonObject, values: readonly unknown[]): TSchema {
  const members: TSchema[] = [];
  for (const value of values) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      members.push(Type.Literal(value));
    } else if (value === null) {
      members.push(Type.Null());
    } else {
      return Type.Unknown({ ...schema });
    }
  }
  return Type.Union(members, without(schema, ['enum', 'type']));
}

function fromObject(schema: JsonObject): TSchema {
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const rebuilt: Record<string, TSchema> = {};
  for (const [name, property] of Object.entries(properties)) {
    const type = typeBoxFromJsonSchema(property);
    // TypeBox derives `required` from which properties are not Optional, in property order.
    rebuilt[name] = required.has(name) ? type : Type.Optional(type);
  }
  const options = without(schema, ['type', 'properties', 'required']);
  if (isJsonObject(schema.additionalProperties)) {
    options.additionalProperties = typeBoxFromJsonSchema(schema.additionalProperties);
  }
  return Type.Object(rebuilt, options);
}

/** A record: one key pattern, as `Type.Record` writes it; several patterns are not a TypeBox shape. */
function fromRecord(schema: JsonObject, patternProperties: JsonObject): TSchema {
  const patterns = Object.keys(patternProperties);
  const pattern = patterns[0];
  if (pattern === undefined || patterns.length > 1) return Type.Unknown({ ...schema });
  const options = without(schema, ['type', 'patternProperties']);
  if (isJsonObject(schema.additionalProperties)) {
    options.additionalProperties = typeBoxFromJsonSchema(schema.additionalProperties);
  }
  // A string key with a pattern makes TypeBox use that very pattern, whatever it is.
  return Type.Record(Type.String({ pattern }), typeBoxFromJsonSchema(patternProperties[pattern]), options);
}

function fromArray(schema: JsonObject): TSchema {
  const { items } = schema;
  if (Array.isArray(items)) {
    // TypeBox's tuple: exactly these items, no others.
    const exact =
      schema.additionalItems === false && schema.minItems === items.length && schema.maxItems === items.length;
    if (!exact) return Type.Unknown({ ...schema });
    return Type.Tuple(items.map(typeBoxFromJsonSchema), without(schema, ['type', 'items', 'additionalItems']));
  }
  const options = without(schema, ['type', 'items']);
  if (isJsonObject(schema.contains)) options.contains = typeBoxFromJsonSchema(schema.contains);
  return Type.Array(items === undefined ? Type.Unknown() : typeBoxFromJsonSchema(items), options);
}

/** A shallow copy of `schema` without the keywords its TypeBox builder writes itself. */
function without(schema: JsonObject, keys: readonly string[]): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) if (!keys.includes(key)) rest[key] = value;
  return rest;
}

function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
