import type { PipelineDocument } from '@loom/graph';
import type { FileState } from '../store/document-slice.ts';
import { emptyDocument } from '../store/document-slice.ts';

/** The name a new document has until someone names it. */
export const UNTITLED = emptyDocument().name;

/** Whether saving must first ask for a name: never saved, and still called what every new document is. */
export function needsName(document: PipelineDocument, file: FileState): boolean {
  return file.pipelineId === undefined && document.name === UNTITLED;
}

/** `Iris data.CSV` → `iris-data`: a name from a file or type, in the lower-case-and-dashes style of the examples. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * A name to offer for a new pipeline, from what it does: the file its first data node reads and its
 * first trainer (`iris.csv` + `train.logistic_regression` → `iris-logistic-regression`), either alone
 * when the other is missing, else "untitled-pipeline".
 *
 * @example suggestPipelineName(document) // 'iris-logistic-regression'
 */
export function suggestPipelineName(document: PipelineDocument): string {
  const source = document.nodes.find((node) => node.type.startsWith('data.') && typeof node.params?.path === 'string');
  const path = source?.params?.path as string | undefined;
  const file = path === undefined ? '' : slug((path.split(/[\\/]/).pop() ?? '').replace(/(\.[A-Za-z0-9]+)+$/, ''));
  const trainer = document.nodes.find((node) => node.type.startsWith('train.'));
  const model = trainer === undefined ? '' : slug(trainer.type.split('.').pop() ?? '');
  return [file, model].filter((part) => part !== '').join('-') || UNTITLED;
}
