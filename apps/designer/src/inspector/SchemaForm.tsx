import type { PipelineParameter } from '@loom/graph';
import { useMemo } from 'react';
import { SchemaField } from './SchemaField.tsx';
import { type FieldContext, fieldShape, type JsonSchema, stringKeyword } from './schema-fields.ts';
import { errorsFor } from './schema-paths.ts';
import './schema-form.css';

const NO_ERRORS: Readonly<Record<string, string>> = {};
const NO_PARAMETERS: Readonly<Record<string, PipelineParameter>> = {};
const NO_VALUE: Readonly<Record<string, unknown>> = {};

export interface SchemaFormProps {
  /** The node's parameter schema: a JSON Schema object with `properties` and `required`, as TypeBox writes it. */
  schema: JsonSchema;
  /**
   * The node's params as the document holds them; an unset parameter shows its default as placeholder.
   * @default {}
   */
  value?: Readonly<Record<string, unknown>> | undefined;
  /**
   * Called with a top-level parameter's new value: a value that fits its schema, `{ $param: name }` when
   * bound to a pipeline parameter, or undefined to unset it (reset to default). Never called with a
   * number the user is still typing that does not fit.
   */
  onChange: (name: string, value: unknown) => void;
  /**
   * The pipeline's parameters; each top-level field offers those whose type fits it for binding.
   * @default {}
   */
  parameters?: Readonly<Record<string, PipelineParameter>> | undefined;
  /**
   * The compiler's messages by JSON Pointer into the params (`/fraction`, `/rules/0/metric`); each shows
   * under the field it points at, and those that point at no field show above the form.
   * @default {}
   */
  errors?: Readonly<Record<string, string>> | undefined;
  /**
   * Prefix of the DOM ids of the form's inputs, so two forms on one page do not clash.
   * @default 'params'
   */
  idPrefix?: string | undefined;
  /**
   * By input port, the id of a `<datalist>` of the columns reaching it: fields whose schema names
   * columns of that input (`columnParam`) offer them.
   * @default {}
   */
  columnLists?: Readonly<Record<string, string>> | undefined;
}

/**
 * A form drawn from a node's parameter JSON Schema: number inputs with bounds, selects for enums,
 * switches, text inputs, list and record editors, fieldsets for nested objects and a JSON editor for the
 * rest, with defaults, help, inline validation, the compiler's errors and pipeline-parameter binding.
 * Presentational: it holds only the text being typed and reports every change through `onChange`.
 *
 * Test ids: `param-<name>` on each input (nested `param-<name>.<child>`, list items `param-<name>.<index>`),
 * `param-error-<name>`, `bind-<name>`, `bind-<name>-<parameter>`, `bound-<name>`, `unbind-<name>`,
 * `reset-<name>`, `add-<name>`, `remove-<name>.<index>`, `key-<name>.<key>` (record entry names).
 *
 * @example
 * <SchemaForm
 *   schema={entry.params}
 *   value={node.params ?? {}}
 *   onChange={(name, value) => setNodeParam(node.id, name, value)}
 *   parameters={document.parameters ?? {}}
 *   errors={{ '/fraction': 'must be less than 1' }}
 *   idPrefix={`node-${node.id}`}
 * />
 */
export function SchemaForm({
  schema,
  value = NO_VALUE,
  onChange,
  parameters = NO_PARAMETERS,
  errors = NO_ERRORS,
  idPrefix = 'params',
  columnLists,
}: SchemaFormProps) {
  const shape = useMemo(() => fieldShape(schema), [schema]);
  const context = useMemo<FieldContext>(
    () => ({ idPrefix, errors, parameters, columnLists }),
    [idPrefix, errors, parameters, columnLists],
  );
  const properties = shape.kind === 'object' ? shape.properties : [];
  const unclaimed = errorsFor(errors, [], new Set(properties.map(([key]) => key)));

  return (
    <div className="schema-form" data-testid="schema-form">
      {unclaimed.length > 0 && (
        <ul className="schema-form-problems" data-testid="param-errors">
          {unclaimed.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      {properties.length === 0 ? (
        <p className="schema-form-empty">This node has no parameters.</p>
      ) : (
        properties.map(([name, property]) => (
          <SchemaField
            key={name}
            schema={property}
            value={value[name]}
            path={[name]}
            label={stringKeyword(property, 'title') ?? name}
            required={shape.kind === 'object' && shape.required.has(name)}
            variant="property"
            onChange={(next) => onChange(name, next)}
            context={context}
          />
        ))
      )}
    </div>
  );
}
