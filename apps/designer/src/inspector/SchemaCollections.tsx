import { type ComponentType, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import {
  type FieldContext,
  type FieldPath,
  type FieldShape,
  initialValue,
  type JsonSchema,
  numberKeyword,
  type SchemaFieldProps,
  stringKeyword,
} from './schema-fields.ts';
import { PlusIcon } from './schema-form-icons.tsx';
import { freshKey, toDomId, toTestPath, withProperty, withRenamedKey } from './schema-paths.ts';

/**
 * The fields that hold other fields: nested objects, lists and records. Each draws its children with the
 * `Field` it is given (the form's own field component), so this file and the field do not import each other.
 */
type FieldComponent = ComponentType<SchemaFieldProps>;

/**
 * Stable React keys for rows that have no identity of their own (list items, record entries), so a
 * removed row takes its input's state with it instead of passing it to the next row.
 */
function useRowKeys(length: number): { keys: readonly number[]; remove: (index: number) => void } {
  const keys = useRef<number[]>([]);
  const next = useRef(0);
  // Rows added or removed elsewhere (undo, another editor) grow or shrink the list at its end.
  while (keys.current.length < length) keys.current.push(next.current++);
  if (keys.current.length > length) keys.current.length = length;
  return { keys: keys.current, remove: (index) => keys.current.splice(index, 1) };
}

/** Focuses the first input of the last row after a row was added by the user. */
function useFocusNewRow() {
  const container = useRef<HTMLFieldSetElement>(null);
  const pending = useRef(false);
  // Runs after every render: cheap, and the row to focus exists only once the new items are drawn.
  useEffect(() => {
    if (!pending.current) return;
    pending.current = false;
    const rows = container.current?.querySelectorAll(':scope > .schema-rows > *');
    const input = rows?.[rows.length - 1]?.querySelector<HTMLInputElement>('input, select, textarea');
    input?.focus();
    if (input instanceof HTMLInputElement && input.type === 'text') input.select();
  });
  const expectNewRow = () => {
    pending.current = true;
  };
  return { container, expectNewRow };
}

export interface ObjectControlProps {
  Field: FieldComponent;
  shape: Extract<FieldShape, { kind: 'object' }>;
  object: Readonly<Record<string, unknown>>;
  path: FieldPath;
  onChange: (next: Record<string, unknown>) => void;
  context: FieldContext;
}

/** The properties of a nested object, each a field of its own. */
export function ObjectControl({ Field, shape, object, path, onChange, context }: ObjectControlProps) {
  return (
    <div className="schema-object-fields">
      {shape.properties.map(([key, schema]) => (
        <Field
          key={key}
          schema={schema}
          value={object[key]}
          path={[...path, key]}
          label={stringKeyword(schema, 'title') ?? key}
          required={shape.required.has(key)}
          variant="property"
          onChange={(value) => onChange(withProperty(object, key, value))}
          context={context}
        />
      ))}
    </div>
  );
}

/** What a list or record control shares: the field that draws its rows, where it is and its label. */
export interface GroupProps {
  Field: FieldComponent;
  path: FieldPath;
  label: string;
  /** The id of the element that labels the group. */
  labelId: string;
  describedBy: string | undefined;
  context: FieldContext;
}

export interface ListControlProps extends GroupProps {
  /** The list's own schema, for `maxItems`. */
  schema: JsonSchema;
  item: JsonSchema;
  items: readonly unknown[];
  /** Whether the items shown are the schema's default rather than a value of the node's own. */
  usingDefault: boolean;
  onChange: (next: unknown[]) => void;
}

/** A list editor: one row per item, a remove button on each and an add button below. */
export function ListControl(props: ListControlProps) {
  const { Field, schema, item, items, usingDefault, path, label, labelId, describedBy, onChange, context } = props;
  const rows = useRowKeys(items.length);
  const { container, expectNewRow } = useFocusNewRow();
  const maxItems = numberKeyword(schema, 'maxItems');
  const testPath = toTestPath(path);
  return (
    <fieldset
      ref={container}
      className={`schema-collection${usingDefault ? ' is-default' : ''}`}
      aria-labelledby={labelId}
      aria-describedby={describedBy}
      data-testid={`param-${testPath}`}
    >
      {items.length === 0 && <p className="schema-collection-empty">No items</p>}
      <div className="schema-rows">
        {items.map((entry, index) => (
          <Field
            key={rows.keys[index]}
            schema={item}
            value={entry}
            path={[...path, index]}
            label={`${label} item ${index + 1}`}
            required={false}
            variant="item"
            onChange={(value) => onChange(items.map((old, at) => (at === index ? value : old)))}
            onRemove={() => {
              rows.remove(index);
              onChange(items.filter((_, at) => at !== index));
            }}
            context={context}
          />
        ))}
      </div>
      <div className="schema-collection-footer">
        <button
          type="button"
          className="schema-add-button"
          disabled={maxItems !== undefined && items.length >= maxItems}
          aria-label={`Add an item to ${label}`}
          onClick={() => {
            expectNewRow();
            onChange([...items, initialValue(item)]);
          }}
          data-testid={`add-${testPath}`}
        >
          <PlusIcon />
          Add item
        </button>
        {usingDefault && <span className="schema-collection-note">default</span>}
        {maxItems !== undefined && (
          <span className="schema-collection-note">
            {items.length} of {maxItems}
          </span>
        )}
      </div>
    </fieldset>
  );
}

export interface RecordControlProps extends GroupProps {
  valueSchema: JsonSchema;
  entries: Readonly<Record<string, unknown>>;
  onChange: (next: Record<string, unknown>) => void;
}

/** A record editor (`Record<string, V>`): one row per entry with its name and value. */
export function RecordControl(props: RecordControlProps) {
  const { Field, valueSchema, entries, path, label, labelId, describedBy, onChange, context } = props;
  const pairs = Object.entries(entries);
  const rows = useRowKeys(pairs.length);
  const { container, expectNewRow } = useFocusNewRow();
  const testPath = toTestPath(path);
  return (
    <fieldset
      ref={container}
      className="schema-collection"
      aria-labelledby={labelId}
      aria-describedby={describedBy}
      data-testid={`param-${testPath}`}
    >
      {pairs.length === 0 && <p className="schema-collection-empty">No entries</p>}
      <div className="schema-rows">
        {pairs.map(([key, value], index) => (
          <div className="schema-record-row" key={rows.keys[index]}>
            <RecordKeyInput
              name={key}
              taken={entries}
              id={toDomId(context.idPrefix, [...path, index, 'key'])}
              label={`${label} entry ${index + 1} name`}
              testPath={`${testPath}.${key}`}
              onRename={(to) => onChange(withRenamedKey(entries, key, to))}
            />
            <Field
              schema={valueSchema}
              value={value}
              path={[...path, key]}
              label={`${label} value of ${key}`}
              required={false}
              variant="item"
              onChange={(next) => onChange(withProperty(entries, key, next))}
              onRemove={() => {
                rows.remove(index);
                onChange(withProperty(entries, key, undefined));
              }}
              context={context}
            />
          </div>
        ))}
      </div>
      <div className="schema-collection-footer">
        <button
          type="button"
          className="schema-add-button"
          aria-label={`Add an entry to ${label}`}
          onClick={() => {
            expectNewRow();
            onChange(withProperty(entries, freshKey(entries), initialValue(valueSchema)));
          }}
          data-testid={`add-${testPath}`}
        >
          <PlusIcon />
          Add entry
        </button>
      </div>
    </fieldset>
  );
}

interface RecordKeyInputProps {
  name: string;
  /** The record, whose other keys a new name must not take. */
  taken: Readonly<Record<string, unknown>>;
  id: string;
  label: string;
  testPath: string;
  onRename: (to: string) => void;
}

/** An entry's name: edited freely, renamed on Enter or blur when the new name is free. */
function RecordKeyInput({ name, taken, id, label, testPath, onRename }: RecordKeyInputProps) {
  const [draft, setDraft] = useState<{ text: string; base: string }>();
  const text = draft !== undefined && draft.base === name ? draft.text : name;
  const problem =
    text === '' ? 'Enter a name' : text !== name && Object.hasOwn(taken, text) ? `${text} is already used` : undefined;
  const commit = () => {
    if (problem !== undefined) return;
    setDraft(undefined);
    if (text !== name) onRename(text);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      commit();
    } else if (event.key === 'Escape') {
      setDraft(undefined);
    }
  };
  return (
    <div className="schema-record-key">
      <input
        id={id}
        className="schema-input is-mono"
        value={text}
        aria-label={label}
        aria-invalid={problem !== undefined || undefined}
        aria-describedby={problem === undefined ? undefined : `${id}-error`}
        spellCheck={false}
        onChange={(event) => setDraft({ text: event.target.value, base: name })}
        onBlur={commit}
        onKeyDown={onKeyDown}
        data-testid={`key-${testPath}`}
      />
      {problem !== undefined && (
        <p id={`${id}-error`} className="schema-field-error" data-testid={`key-error-${testPath}`}>
          {problem}
        </p>
      )}
    </div>
  );
}
