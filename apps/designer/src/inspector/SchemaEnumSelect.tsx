import { defaultText, type EnumOption, formatValue, needsValue, type SchemaFieldProps } from './schema-fields.ts';

/** The attributes every input of a field carries: id, test id and accessibility state. */
export interface InputProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
  'aria-required': true | undefined;
  'aria-label': string | undefined;
  'data-testid': string;
}

export interface EnumSelectProps extends SchemaFieldProps {
  options: readonly EnumOption[];
  inputProps: InputProps;
  commit: (value: unknown) => void;
}

/** A select over an enum's options; an unset property shows its default as the first option. */
export function EnumSelect({ schema, value, required, variant, options, inputProps, commit }: EnumSelectProps) {
  const fallback = defaultText(schema);
  const known = value === undefined || options.includes(value as EnumOption);
  const unsetLabel =
    fallback !== undefined ? `${fallback} (default)` : needsValue(schema, required) ? 'Choose…' : 'Not set';
  return (
    <select
      {...inputProps}
      className="schema-input schema-select"
      value={value === undefined ? '' : formatValue(value)}
      onChange={(event) => {
        const text = event.target.value;
        const option = options.find((candidate) => formatValue(candidate) === text);
        commit(option === undefined && text === '' ? undefined : option);
      }}
    >
      {(variant === 'property' || value === undefined) && <option value="">{unsetLabel}</option>}
      {!known && (
        <option value={formatValue(value)} disabled>
          {formatValue(value)} (not allowed)
        </option>
      )}
      {options.map((option) => (
        <option key={formatValue(option)} value={formatValue(option)}>
          {formatValue(option)}
        </option>
      ))}
    </select>
  );
}
