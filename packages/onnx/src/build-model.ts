import { checkEstimatorFits, featureLineage, type ModelFile } from '@loom/ml';
import { addEstimator } from './estimator-graph.ts';
import { GraphBuilder, ML_DOMAIN } from './graph-builder.ts';
import { metadataProps } from './model-info.ts';
import { DataType, encodeModel, type ValueInfoProto, valueInfo } from './onnx-proto.ts';
import { addPreprocessing } from './preprocess-graph.ts';

/** The graph's output names, as scikit-learn's converters name them. */
export const OUTPUTS = { label: 'label', probabilities: 'probabilities', variable: 'variable' } as const;

const IR_VERSION = 8;
const OPSET = 17;
const ML_OPSET = 3;

/**
 * Builds one ONNX graph that predicts from the raw source columns: the model's fitted preprocessing, then
 * its estimator. Inputs: one [N, 1] tensor per column of `requiredSources(model)`, float (NaN for NULL)
 * or string ('' for NULL). Outputs: `label` ([N]: the class labels' own type) and `probabilities`
 * ([N, classes] float) for a classifier; `variable` ([N, 1] float) for a regressor. Opset 17, plus
 * `ai.onnx.ml` opset 3 for trees and string one-hot encoding; IR version 8.
 *
 * The bytes depend only on the model file: the same model always gives the same bytes.
 *
 * @example
 * await writeFile('model.onnx', buildOnnxModel(model));
 */
export function buildOnnxModel(model: ModelFile): Uint8Array {
  const lineage = featureLineage(model);
  const featureCount = model.features.length;
  if (featureCount === 0) throw new Error('the model has no features');
  const classes = model.task === 'classification' ? (model.classes ?? []) : [];
  checkEstimatorFits(model);

  const outputNames = Object.values(OUTPUTS) as string[];
  for (const source of lineage.sources) {
    if (outputNames.includes(source.name)) {
      throw new Error(`source column '${source.name}' has the name of an ONNX output; rename it before training`);
    }
  }
  const g = new GraphBuilder([...lineage.sources.map((s) => s.name), ...outputNames]);
  const x = addPreprocessing(g, lineage, model.features);
  const outputs: ValueInfoProto[] = [];
  if (model.task === 'regression') {
    const scaled = model.labelScale ? g.fresh('scaled_prediction') : OUTPUTS.variable;
    addEstimator(g, model.estimator, x, featureCount, 0, scaled);
    if (model.labelScale) {
      // y · scale + offset, in float32 like the rest of the graph.
      const scale = g.floatConstant('label_scale', [model.labelScale.scale], []);
      const offset = g.floatConstant('label_offset', [model.labelScale.offset], []);
      const product = g.op('Mul', [scaled, scale], 'unscaled');
      g.op('Add', [product, offset], OUTPUTS.variable, undefined, { exact: true });
    }
    outputs.push(valueInfo(OUTPUTS.variable, DataType.FLOAT, ['N', 1]));
  } else {
    addEstimator(g, model.estimator, x, featureCount, classes.length, OUTPUTS.probabilities);
    // ArgMax keeps the first maximum, as predictModel's classIndex does.
    const index = g.op('ArgMax', [OUTPUTS.probabilities], 'class_index', { axis: 1, keepdims: 0 });
    const labelType = classLabelType(classes);
    const labels =
      labelType === DataType.STRING
        ? g.stringConstant('classes', classes as string[], [classes.length])
        : labelType === DataType.INT64
          ? g.int64Constant('classes', classes as number[], [classes.length])
          : g.doubleConstant('classes', classes as number[], [classes.length]);
    g.op('Gather', [labels, index], OUTPUTS.label, { axis: 0 }, { exact: true });
    outputs.push(valueInfo(OUTPUTS.label, labelType, ['N']));
    outputs.push(valueInfo(OUTPUTS.probabilities, DataType.FLOAT, ['N', classes.length]));
  }

  const opsets = [{ domain: '', version: OPSET }];
  if (g.needsMlOpset) opsets.push({ domain: ML_DOMAIN, version: ML_OPSET });
  return encodeModel({
    ir_version: IR_VERSION,
    opset_import: opsets,
    producer_name: 'loom',
    graph: {
      name: 'loom',
      node: g.nodes,
      initializer: g.initializers,
      input: lineage.sources.map((s) =>
        valueInfo(s.name, s.kind === 'number' ? DataType.FLOAT : DataType.STRING, ['N', 1]),
      ),
      output: outputs,
      value_info: g.valueInfo,
    },
    metadata_props: metadataProps(model, lineage.sources),
  });
}

/** String labels as strings; numbers as int64 when all are integers (so 0/1 labels stay 0/1), else double. */
function classLabelType(classes: readonly (string | number)[]): DataType {
  if (classes.every((c) => typeof c === 'string')) return DataType.STRING;
  if (classes.every((c) => typeof c === 'number' && Number.isSafeInteger(c))) return DataType.INT64;
  return DataType.DOUBLE;
}
