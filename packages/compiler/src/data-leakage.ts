import { type Diagnostic, error, type PipelineNode, pointer } from '@loom/graph';
import type { InputPort, OutputPort, RegisteredNode, RowFlow } from '@loom/sdk';
import type { PlanInputRef } from './plan.ts';

/** The graph as the compiler resolved it: what the leakage check follows rows through. */
export interface ResolvedGraph {
  nodes: readonly PipelineNode[];
  /** Each node's registry entry; `undefined` for an unknown type (reported already). */
  entries: ReadonlyArray<RegisteredNode | undefined>;
  /** The accepted edges into each node, by input port. */
  inputs: ReadonlyArray<Readonly<Record<string, PlanInputRef[]>> | undefined>;
  /** Each node's resolved parameters (defaults filled in). */
  params: ReadonlyArray<Readonly<Record<string, unknown>>>;
  indexById: ReadonlyMap<string, number>;
  /** Node indexes in topological order. */
  order: readonly number[];
}

/** What the check knows of the rows on one output. */
interface Rows {
  /** Nodes that learnt from these rows (or from rows these came from), by index, in the order met. */
  fittedBy: readonly number[];
  /** Fitted nodes that learnt from these rows before `split` held them out. */
  leaks: ReadonlyArray<{ fitter: number; split: number }>;
}

const NO_ROWS: Rows = { fittedBy: [], leaks: [] };

/** What the check reads of one node type version: its row flows and its evaluation inputs. */
interface RowPorts {
  flows: ReadonlyArray<readonly [port: string, rows: RowFlow]>;
  evaluationInputs: readonly string[];
}

// Worked out once per registry entry: every compile of every node reads them.
const rowPortsOf = new WeakMap<RegisteredNode, RowPorts>();

function rowPorts(entry: RegisteredNode): RowPorts {
  let ports = rowPortsOf.get(entry);
  if (ports === undefined) {
    const outputs = Object.entries(entry.definition.outputs as Record<string, OutputPort>);
    const inputs = Object.entries(entry.definition.inputs as Record<string, InputPort>);
    ports = {
      flows: outputs.flatMap(([port, spec]) => (spec.rows === undefined ? [] : [[port, spec.rows] as const])),
      evaluationInputs: inputs.filter(([, spec]) => spec.evaluation === true).map(([port]) => port),
    };
    rowPortsOf.set(entry, ports);
  }
  return ports;
}

/**
 * The most fitted steps, and leaks, followed per row set: enough for any pipeline a person draws, and it
 * keeps the check linear on generated graphs where every node fits (see `pnpm bench compile`). The
 * earliest are kept, and the earliest fitted step is the one the fix names.
 */
const MAX_TRACKED = 16;

/**
 * Finds data leakage that the document shows: held-out rows that reach an `evaluation` input (a
 * validation) after a fitted step (a normalisation, an imputation) learnt from them before the split
 * held them out. The scores would then be better than the model deserves, and the model's own
 * preprocessing, which export.onnx puts in front of it, would be applied to the test rows twice.
 * Rows are followed through every output that declares a {@link RowFlow}. One error per split, on the
 * earliest fitted node, naming the fix: split first, and fit on the split's train rows.
 */
export function findDataLeakage(graph: ResolvedGraph): Diagnostic[] {
  const { nodes, entries, inputs, params, indexById, order } = graph;
  if (!entries.some((entry) => entry !== undefined && rowPorts(entry).evaluationInputs.length > 0)) return [];

  const rowsAt = new Map<string, Rows>();
  const rowsOf = (ref: PlanInputRef): Rows => rowsAt.get(`${indexById.get(ref.step)}.${ref.port}`) ?? NO_ROWS;
  const rowsInto = (index: number, port: string): Rows => {
    const refs = inputs[index]?.[port];
    if (refs === undefined) return NO_ROWS;
    return refs.length === 1 ? rowsOf(refs[0] as PlanInputRef) : merge(refs.map(rowsOf));
  };

  for (const index of order) {
    const entry = entries[index];
    if (entry === undefined) continue;
    for (const [port, rows] of rowPorts(entry).flows) {
      const incoming = rowsInto(index, rows.from);
      const fits = fitsHere(rows, params[index] ?? {});
      const fittedBy =
        fits && incoming.fittedBy.length < MAX_TRACKED && !incoming.fittedBy.includes(index)
          ? [...incoming.fittedBy, index]
          : incoming.fittedBy;
      const leaks =
        rows.heldOut === true && fittedBy.length > 0 && incoming.leaks.length < MAX_TRACKED
          ? [...incoming.leaks, ...fittedBy.map((fitter) => ({ fitter, split: index }))].slice(0, MAX_TRACKED)
          : incoming.leaks;
      if (fittedBy.length > 0 || leaks.length > 0) rowsAt.set(`${index}.${port}`, { fittedBy, leaks });
    }
  }

  // Split → the fitted nodes before it and the evaluations that score what it held out.
  const found = new Map<number, { fitters: Set<number>; evaluators: Set<number> }>();
  for (const index of order) {
    const entry = entries[index];
    if (entry === undefined) continue;
    for (const port of rowPorts(entry).evaluationInputs) {
      for (const { fitter, split } of rowsInto(index, port).leaks) {
        let record = found.get(split);
        if (record === undefined) {
          record = { fitters: new Set(), evaluators: new Set() };
          found.set(split, record);
        }
        record.fitters.add(fitter);
        record.evaluators.add(index);
      }
    }
  }

  const position = new Map(order.map((index, rank) => [index, rank]));
  const byRank = (a: number, b: number) => (position.get(a) as number) - (position.get(b) as number);
  return [...found.entries()]
    .sort(([a], [b]) => byRank(a, b))
    .map(([split, record]) => {
      const fitters = [...record.fitters].sort(byRank);
      const evaluators = [...record.evaluators].sort(byRank);
      const first = fitters[0] as number;
      return error('data.leakage', leakageMessage(graph, split, fitters, evaluators), {
        nodeId: (nodes[first] as PipelineNode).id,
        path: pointer('nodes', first),
      });
    });
}

function leakageMessage(graph: ResolvedGraph, split: number, fitters: number[], evaluators: number[]): string {
  const { nodes, entries, inputs } = graph;
  const id = (index: number) => JSON.stringify((nodes[index] as PipelineNode).id);
  const named = (index: number) => `${id(index)} (${(entries[index] as RegisteredNode).definition.type})`;
  const first = fitters[0] as number;
  const splitFlows = rowPorts(entries[split] as RegisteredNode).flows;
  const heldOut = splitFlows.filter(([, rows]) => rows.heldOut === true).map(([port]) => port);
  const kept = splitFlows.filter(([, rows]) => rows.heldOut !== true).map(([port]) => port);
  const [, firstFlow] = rowPorts(entries[first] as RegisteredNode).flows[0] as readonly [string, RowFlow];
  const source = inputs[first]?.[firstFlow.from]?.[0];

  const who = fitters.length === 1 ? `${named(first)} is` : `${list(fitters.map(named))} are`;
  const scorers = list(evaluators.map(id));
  const feed =
    source === undefined
      ? `the table ${id(first)} reads now`
      : `${JSON.stringify(source.step)} (what ${id(first)} reads now)`;
  const keptPort = kept[0] === undefined ? 'other output' : `"${kept[0]}" output`;
  return (
    `data leakage: ${who} fitted on every row, including the rows that ${id(split)} then holds out as "${heldOut.join('", "')}" for ${scorers} to score, ` +
    `so the preprocessing has seen the test rows and the scores would look better than the model is. ` +
    `Move the split before ${id(first)}: feed ${id(split)} from ${feed}, and ${id(first)} from ${id(split)}'s ${keptPort}; ` +
    `export.onnx puts the fitted preprocessing in front of the model, so ${scorers} can take the held-out rows as they are`
  );
}

function fitsHere(rows: RowFlow, params: Readonly<Record<string, unknown>>): boolean {
  const { fits } = rows;
  if (fits === undefined || fits === false) return false;
  if (fits === true) return true;
  const value = params[fits.param];
  return (
    (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') && fits.in.includes(value)
  );
}

function merge(all: readonly Rows[]): Rows {
  const fittedBy = [...new Set(all.flatMap((rows) => rows.fittedBy))].slice(0, MAX_TRACKED);
  const seen = new Set<string>();
  const leaks = all
    .flatMap((rows) => rows.leaks)
    .filter((leak) => {
      const key = `${leak.fitter}.${leak.split}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, MAX_TRACKED);
  return { fittedBy, leaks };
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
