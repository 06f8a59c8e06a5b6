/**
 * What the API server checks before storing an object: the official OpenAPI schema (through
 * kubernetes-models' validators), object names, label syntax, and the few semantic rules Loom's
 * manifests can trip over (a Job's restartPolicy, a Deployment's selector, a container's image).
 */
import { type ApiError, invalid, type StatusCause } from './api-status.ts';
import type { KubeObject } from './object-store.ts';
import type { ResourceType } from './resources.ts';

interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const DNS1123_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_LABEL_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_NAME_MESSAGE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** `/spec/template/spec/containers/0` → `spec.template.spec.containers[0]`, the API's field paths. */
function fieldPath(instancePath: string, child?: string): string {
  const segments = instancePath.split('/').filter((segment) => segment !== '');
  if (child !== undefined) segments.push(child);
  return segments.reduce((path, segment) => {
    if (/^\d+$/.test(segment)) return `${path}[${segment}]`;
    return path === '' ? segment : `${path}.${segment}`;
  }, '');
}

function valueAt(body: unknown, instancePath: string): unknown {
  let value = body;
  for (const segment of instancePath.split('/').filter((part) => part !== '')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function goValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value ?? null);
}

function schemaCause(body: unknown, error: SchemaError): StatusCause {
  if (error.keyword === 'required') {
    return {
      reason: 'FieldValueRequired',
      message: 'Required value',
      field: fieldPath(error.instancePath, String(error.params.missingProperty)),
    };
  }
  const field = fieldPath(error.instancePath);
  const value = valueAt(body, error.instancePath);
  if (error.keyword === 'type') {
    return {
      reason: 'FieldValueTypeInvalid',
      message: `Invalid value: ${goValue(value)}: must be of type ${String(error.params.type)}`,
      field,
    };
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params.allowedValues as unknown[] | undefined) ?? [];
    return {
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${goValue(value)}: supported values: ${allowed.map((item) => goValue(item)).join(', ')}`,
      field,
    };
  }
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${goValue(value)}: ${error.message ?? 'invalid'}`,
    field,
  };
}

/** The schema's complaints about a body, as Status causes. */
function schemaCauses(resource: ResourceType, body: KubeObject): StatusCause[] {
  try {
    new resource.model(body as never).validate();
    return [];
  } catch (cause) {
    const errors = (cause as { errors?: SchemaError[] }).errors;
    if (errors === undefined) return [{ reason: 'FieldValueInvalid', message: String(cause), field: '' }];
    return errors.map((error) => schemaCause(body, error));
  }
}

function nameCauses(resource: ResourceType, name: string | undefined): StatusCause[] {
  if (name === undefined || name === '') {
    return [
      {
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
        field: 'metadata.name',
      },
    ];
  }
  const invalidName = (message: string): StatusCause[] => [
    { reason: 'FieldValueInvalid', message: `Invalid value: ${goValue(name)}: ${message}`, field: 'metadata.name' },
  ];
  if (resource.kind === 'Service')
    return DNS1035_LABEL.test(name) && name.length <= 63 ? [] : invalidName(DNS1035_LABEL_MESSAGE);
  if (resource.kind === 'Job') {
    if (!DNS1123_SUBDOMAIN.test(name)) return invalidName(DNS1123_SUBDOMAIN_MESSAGE);
    // The name becomes the value of the pods' job-name label, which is limited to 63 characters.
    return name.length <= 63 ? [] : invalidName('must be no more than 63 characters');
  }
  if (!DNS1123_SUBDOMAIN.test(name)) return invalidName(DNS1123_SUBDOMAIN_MESSAGE);
  return name.length <= 253 ? [] : invalidName('must be no more than 253 characters');
}

function labelCauses(labels: unknown, field: string): StatusCause[] {
  if (labels === undefined || labels === null || typeof labels !== 'object') return [];
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    const slash = key.lastIndexOf('/');
    const prefix = slash === -1 ? undefined : key.slice(0, slash);
    const name = slash === -1 ? key : key.slice(slash + 1);
    if (prefix !== undefined && (!DNS1123_SUBDOMAIN.test(prefix) || prefix.length > 253)) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${goValue(key)}: prefix part ${DNS1123_SUBDOMAIN_MESSAGE}`,
        field,
      });
    }
    if (!LABEL_NAME.test(name)) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${goValue(key)}: ${LABEL_NAME_MESSAGE}`,
        field,
      });
    } else if (name.length > 63) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${goValue(key)}: name part must be no more than 63 characters`,
        field,
      });
    }
    if (typeof value !== 'string') continue;
    if (!LABEL_VALUE.test(value)) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${goValue(value)}: ${LABEL_VALUE_MESSAGE}`,
        field,
      });
    } else if (value.length > 63) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${goValue(value)}: must be no more than 63 characters`,
        field,
      });
    }
  }
  return causes;
}

interface PodTemplateLike {
  metadata?: { labels?: Record<string, string> };
  spec?: { restartPolicy?: string; containers?: { name?: string; image?: string }[] };
}

function containerCauses(podSpec: PodTemplateLike['spec'], field: string): StatusCause[] {
  return (podSpec?.containers ?? []).flatMap((container, index) => {
    const causes: StatusCause[] = [];
    const at = `${field}.containers[${index}]`;
    if (container.name !== undefined && !DNS1123_LABEL.test(container.name)) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${goValue(container.name)}: ${DNS1123_LABEL_MESSAGE}`,
        field: `${at}.name`,
      });
    }
    if (container.image === undefined || container.image === '') {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${at}.image` });
    }
    return causes;
  });
}

function kindCauses(resource: ResourceType, body: KubeObject): StatusCause[] {
  const spec = (body as { spec?: { template?: PodTemplateLike; selector?: { matchLabels?: Record<string, string> } } })
    .spec;
  const template = spec?.template;
  if (resource.kind === 'Job') {
    const causes = containerCauses(template?.spec, 'spec.template.spec');
    const policy = template?.spec?.restartPolicy;
    if (policy === undefined) {
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value: valid values: "OnFailure", "Never"',
        field: 'spec.template.spec.restartPolicy',
      });
    } else if (policy !== 'Never' && policy !== 'OnFailure') {
      causes.push({
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${goValue(policy)}: supported values: "OnFailure", "Never"`,
        field: 'spec.template.spec.restartPolicy',
      });
    }
    return [...causes, ...labelCauses(template?.metadata?.labels, 'spec.template.metadata.labels')];
  }
  if (resource.kind === 'Deployment') {
    const causes = [
      ...containerCauses(template?.spec, 'spec.template.spec'),
      ...labelCauses(template?.metadata?.labels, 'spec.template.metadata.labels'),
    ];
    const selector = spec?.selector?.matchLabels ?? {};
    const labels = template?.metadata?.labels ?? {};
    const matches = Object.entries(selector).every(([key, value]) => labels[key] === value);
    if (!matches) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: map[string]string${goMap(labels)}: \`selector\` does not match template \`labels\``,
        field: 'spec.template.metadata.labels',
      });
    }
    return causes;
  }
  if (resource.kind === 'Pod') return containerCauses((body as PodTemplateLike).spec, 'spec');
  return [];
}

function goMap(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join(', ')}}`;
}

/**
 * The 422 Invalid error for a body that the real API server would reject, or undefined when it is
 * acceptable. Schema errors come first, as the real server's decoding does.
 */
export function validateObject(resource: ResourceType, body: KubeObject): ApiError | undefined {
  const name = body.metadata?.name;
  const causes = [
    ...schemaCauses(resource, body),
    ...nameCauses(resource, name),
    ...labelCauses(body.metadata?.labels, 'metadata.labels'),
    ...kindCauses(resource, body),
  ];
  return causes.length === 0 ? undefined : invalid(resource, name ?? '', causes);
}
