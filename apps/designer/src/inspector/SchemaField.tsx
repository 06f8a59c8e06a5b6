import { isParameterReference } from '@loom/graph';
import { COLUMN_OF_KEYWORD } from '@loom/sdk';
import { useState } from 'react';
import { DATA_FILES_LIST_ID, namesAFile } from '../files/data-file-field.ts';
import { BindMenu, BoundParameter } from './SchemaBinding.tsx';
import { type GroupProps, ListControl, ObjectControl, RecordControl } from './SchemaCollections.tsx';
import { EnumSelect, type InputProps } from './SchemaEnumSelect.tsx';
import {
  compatibleParameters,
  defaultText,
  fieldShape,
  isBindable,
  isPlainObject,
  needsValue,
  numberInputAttributes,
  parameterFits,
  prefersMultiline,
  readNumberText,
  type SchemaFieldProps,
  stringKeyword,
  validateValue,
} from './schema-fields.ts';
import { CloseIcon, ResetIcon } from './schema-form-icons.tsx';
import { claimedChildren, errorsFor, sameValue, toDomId, toTestPath } from './schema-paths.ts';

/** Text being typed that the value does not show yet: invalid, or not normalised (`0.50`). */
interface Draft {
  text: string;
  /** The value the draft belongs to; a different value (undo, another editor) discards the draft. */
  base: unknown;
  error?: string;
}

/**
 * One field of the parameter form, drawn from its schema: an input, a select, a switch, a list, a
 * fieldset or a JSON editor, with its label, help, default, validation and pipeline-parameter binding.
 */
export function SchemaField(props: SchemaFieldProps) {
  const { schema, value, path, label, required, variant, onChange, onRemove, context } = props;
  const [draft, setDraft] = useState<Draft>();
  const [touched, setTouched] = useState(false);
  const shape = fieldShape(schema);
  const id = toDomId(context.idPrefix, path);
  const testPath = toTestPath(path);
  const activeDraft = draft !== undefined && sameValue(draft.base, value) ? draft : undefined;
  const bound = isParameterReference(value) ? value.$param : undefined;
  const bindable = variant === 'property' && path.length === 1 && isBindable(schema);
  const missing = variant === 'property' && touched && value === undefined && needsValue(schema, required);

  const local = activeDraft?.error ?? validateValue(schema, value) ?? (missing ? 'Required' : undefined);
  const messages = local === undefined ? errorsFor(context.errors, path, claimedChildren(shape, value)) : [local];
  const description = stringKeyword(schema, 'description');
  const helpId = description !== undefined && variant === 'property' ? `${id}-help` : undefined;
  const errorId = messages.length > 0 ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter((part) => part !== undefined).join(' ') || undefined;
  const fallback = defaultText(schema);
  const placeholder = fallback ?? (needsValue(schema, required) || variant === 'item' ? undefined : 'Not set');

  const commit = (next: unknown) => {
    setTouched(true);
    onChange(next);
  };
  const reset = () => {
    setDraft(undefined);
    onChange(undefined);
  };
  const inputProps: InputProps = {
    id,
    'aria-invalid': messages.length > 0 || undefined,
    'aria-describedby': describedBy,
    'aria-required': needsValue(schema, required) || undefined,
    'aria-label': variant === 'item' ? label : undefined,
    'data-testid': `param-${testPath}`,
  };
  // What a list or record passes on to the fields of its rows, and how it is labelled.
  const groupProps: GroupProps = {
    Field: SchemaField,
    path,
    label,
    labelId: `${id}-label`,
    describedBy,
    context,
  };

  const control = () => {
    if (bound !== undefined) {
      const declared = context.parameters[bound];
      return (
        <BoundParameter
          name={testPath}
          label={label}
          parameter={bound}
          declared={declared}
          fits={declared !== undefined && parameterFits(schema, declared)}
          id={id}
          describedBy={describedBy}
          onUnbind={reset}
        />
      );
    }
    switch (shape.kind) {
      case 'number': {
        const shown = activeDraft?.text ?? (typeof value === 'number' ? String(value) : '');
        return (
          <input
            {...inputProps}
            {...numberInputAttributes(schema, shape.integer)}
            type="number"
            inputMode={shape.integer ? 'numeric' : 'decimal'}
            className="schema-input is-number"
            value={shown}
            placeholder={placeholder}
            onChange={(event) => {
              const text = event.target.value;
              const reading = readNumberText(schema, text, event.target.validity.badInput, variant === 'property');
              if (!reading.ok) {
                setDraft({ text, base: value, error: reading.message });
                return;
              }
              setDraft({ text, base: reading.value });
              if (!Object.is(reading.value, value)) commit(reading.value);
            }}
            onBlur={() => {
              setTouched(true);
              if (activeDraft?.error === undefined) setDraft(undefined);
            }}
          />
        );
      }
      case 'string': {
        const text = typeof value === 'string' ? value : '';
        const update = (next: string) => commit(next === '' && variant === 'property' ? undefined : next);
        if (prefersMultiline(String(path[path.length - 1]), schema)) {
          return (
            <textarea
              {...inputProps}
              className="schema-input schema-textarea is-mono"
              rows={4}
              spellCheck={false}
              value={text}
              placeholder={placeholder}
              onChange={(event) => update(event.target.value)}
              onBlur={() => setTouched(true)}
            />
          );
        }
        const format = stringKeyword(schema, 'format');
        const columnsOf = stringKeyword(schema, COLUMN_OF_KEYWORD);
        const columnList = columnsOf === undefined ? undefined : context.columnLists?.[columnsOf];
        return (
          <input
            {...inputProps}
            list={columnList ?? (namesAFile(String(path[path.length - 1])) ? DATA_FILES_LIST_ID : undefined)}
            type={format === 'email' ? 'email' : format === 'uri' || format === 'url' ? 'url' : 'text'}
            className="schema-input"
            value={text}
            placeholder={placeholder}
            onChange={(event) => update(event.target.value)}
            onBlur={() => setTouched(true)}
          />
        );
      }
      case 'boolean': {
        const checked = typeof value === 'boolean' ? value : schema.default === true;
        return (
          <input
            {...inputProps}
            type="checkbox"
            role="switch"
            className={`schema-switch${value === undefined ? ' is-default' : ''}`}
            checked={checked}
            aria-checked={checked}
            onChange={(event) => commit(event.target.checked)}
          />
        );
      }
      case 'enum':
        return <EnumSelect {...props} options={shape.options} inputProps={inputProps} commit={commit} />;
      case 'list': {
        const items = Array.isArray(value) ? value : Array.isArray(schema.default) ? schema.default : [];
        return (
          <ListControl
            schema={schema}
            item={shape.item}
            items={items}
            usingDefault={value === undefined && Array.isArray(schema.default)}
            {...groupProps}
            onChange={commit}
          />
        );
      }
      case 'record':
        return (
          <RecordControl
            valueSchema={shape.value}
            entries={isPlainObject(value) ? value : isPlainObject(schema.default) ? schema.default : {}}
            {...groupProps}
            onChange={commit}
          />
        );
      case 'object':
        return (
          <ObjectControl
            Field={SchemaField}
            shape={shape}
            object={isPlainObject(value) ? value : isPlainObject(schema.default) ? schema.default : {}}
            path={path}
            onChange={(next) =>
              commit(Object.keys(next).length === 0 && variant === 'property' && !required ? undefined : next)
            }
            context={context}
          />
        );
      case 'json': {
        const shown = activeDraft?.text ?? (value === undefined ? '' : JSON.stringify(value, null, 2));
        return (
          <textarea
            {...inputProps}
            className="schema-input schema-textarea is-mono"
            rows={Math.min(10, Math.max(2, shown.split('\n').length))}
            spellCheck={false}
            value={shown}
            placeholder={placeholder}
            onChange={(event) => {
              const text = event.target.value;
              if (text.trim() === '') {
                if (variant === 'item') setDraft({ text, base: value, error: 'Enter a JSON value' });
                else {
                  setDraft({ text, base: undefined });
                  commit(undefined);
                }
                return;
              }
              try {
                const parsed: unknown = JSON.parse(text);
                setDraft({ text, base: parsed });
                commit(parsed);
              } catch (error) {
                setDraft({ text, base: value, error: `Not valid JSON: ${(error as Error).message}` });
              }
            }}
            onBlur={() => setTouched(true)}
          />
        );
      }
    }
  };

  const errorBlock = errorId !== undefined && (
    <div id={errorId} className="schema-field-error" data-testid={`param-error-${testPath}`}>
      {messages.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
  const removeButton = onRemove !== undefined && (
    <button
      type="button"
      className="schema-icon-button is-danger"
      aria-label={`Remove ${label}`}
      title="Remove"
      onClick={onRemove}
      data-testid={`remove-${testPath}`}
    >
      <CloseIcon />
    </button>
  );

  if (variant === 'item' && (shape.kind !== 'object' || bound !== undefined)) {
    return (
      <div className={`schema-item${messages.length > 0 ? ' has-error' : ''}`}>
        <div className="schema-item-row">
          {control()}
          {removeButton}
        </div>
        {errorBlock}
      </div>
    );
  }

  const fieldset = shape.kind === 'object' && bound === undefined;
  const group = (shape.kind === 'list' || shape.kind === 'record') && bound === undefined;
  const marker = needsValue(schema, required) && (
    <span className="schema-required" aria-hidden="true" title="Required">
      *
    </span>
  );
  const title = stringKeyword(schema, 'title');
  const name = String(path[path.length - 1]);
  const labelContent = (
    <>
      {label}
      {marker}
      {title !== undefined && title !== name && variant === 'property' && <code className="schema-name">{name}</code>}
    </>
  );
  const actions = (
    <div className="schema-field-actions">
      {variant === 'property' && value !== undefined && bound === undefined && (
        <button
          type="button"
          className="schema-icon-button"
          aria-label={fallback === undefined ? `Clear ${label}` : `Reset ${label} to default (${fallback})`}
          title={fallback === undefined ? 'Clear' : `Reset to default (${fallback})`}
          onClick={reset}
          data-testid={`reset-${testPath}`}
        >
          <ResetIcon />
        </button>
      )}
      {bindable && bound === undefined && (
        <BindMenu
          name={testPath}
          label={label}
          candidates={compatibleParameters(schema, context.parameters)}
          onBind={(parameter) => {
            setDraft(undefined);
            onChange({ $param: parameter });
          }}
        />
      )}
      {removeButton}
    </div>
  );
  const help = helpId !== undefined && (
    <p id={helpId} className="schema-field-help">
      {description}
    </p>
  );

  if (fieldset) {
    return (
      <fieldset
        className={`schema-fieldset${messages.length > 0 ? ' has-error' : ''}`}
        aria-describedby={describedBy}
        data-testid={`param-${testPath}`}
      >
        <legend className="schema-field-header">
          <span className="schema-field-label">{labelContent}</span>
          {actions}
        </legend>
        {help}
        {control()}
        {errorBlock}
      </fieldset>
    );
  }

  const isSwitch = shape.kind === 'boolean' && bound === undefined;
  return (
    <div className={`schema-field kind-${shape.kind}${messages.length > 0 ? ' has-error' : ''}`}>
      <div className="schema-field-header">
        {isSwitch && control()}
        {group ? (
          <span id={`${id}-label`} className="schema-field-label">
            {labelContent}
          </span>
        ) : (
          <label htmlFor={id} className="schema-field-label">
            {labelContent}
          </label>
        )}
        {isSwitch && value === undefined && fallback !== undefined && (
          <span className="schema-default-tag">default</span>
        )}
        {actions}
      </div>
      {help}
      {!isSwitch && control()}
      {errorBlock}
    </div>
  );
}
