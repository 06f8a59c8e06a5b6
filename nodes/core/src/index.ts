import type { AnyNodeDefinition } from '@loom/sdk';
import { jsonToMetrics } from './json-to-metrics.ts';
import { mergeMetrics, mergeMetricsV1 } from './merge-metrics.ts';
import { metricsGate } from './metrics-gate.ts';
import { readJson } from './read-json.ts';
import { readText } from './read-text.ts';
import { value } from './value.ts';
import { waitForFile } from './wait-for-file.ts';

export { jsonToMetrics, mergeMetrics, mergeMetricsV1, metricsGate, readJson, readText, value, waitForFile };

/** Every node this package provides. */
export const coreNodes: readonly AnyNodeDefinition[] = [
  readJson,
  readText,
  waitForFile,
  value,
  jsonToMetrics,
  mergeMetrics,
  mergeMetricsV1,
  metricsGate,
];

/** The plugin entry's export: every node this package provides (its package.json lists them under `loom.nodes`). */
export const nodes = coreNodes;
