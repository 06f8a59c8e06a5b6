import type { DecisionTree, Estimator, ForestEstimator, LinearEstimator, MlpEstimator } from '@loom/ml';
import { floats, type GraphBuilder, ML_DOMAIN } from './graph-builder.ts';

/**
 * Adds the estimator to the graph, reading the [N, features] tensor `x`, and writes its prediction to the
 * value named `output`: [N, classes] probabilities for a classifier (binary ones as [1 − p, p]), or the
 * [N, 1] raw prediction for a regressor (`classes` 0). Mirrors `predictEstimator` in `@loom/ml`, in
 * float32; `features` is the width of `x`, against which tree feature indices are checked.
 */
export function addEstimator(
  g: GraphBuilder,
  estimator: Estimator,
  x: string,
  features: number,
  classes: number,
  output: string,
): void {
  switch (estimator.kind) {
    case 'linear':
      addLinear(g, estimator, x, output);
      return;
    case 'mlp':
      addMlp(g, estimator, x, output);
      return;
    case 'forest':
      addForest(g, estimator, x, features, classes, output);
      return;
  }
}

function addLinear(g: GraphBuilder, estimator: LinearEstimator, x: string, output: string): void {
  const { weights, intercepts, link } = estimator;
  if (link === 'identity') {
    dense(g, x, weights, intercepts, 'linear', output);
    return;
  }
  const z = dense(g, x, weights, intercepts, 'linear');
  addOutputTransform(g, z, link, output);
}

function addMlp(g: GraphBuilder, estimator: MlpEstimator, x: string, output: string): void {
  const hidden = { relu: 'Relu', tanh: 'Tanh', logistic: 'Sigmoid' }[estimator.activation];
  let current = x;
  const { output: kind } = estimator;
  estimator.layers.forEach((layer, l) => {
    const base = `layer${l + 1}`;
    if (l < estimator.layers.length - 1) {
      const z = dense(g, current, layer.weights, layer.biases, base);
      current = g.op(hidden, [z], `${base}/${estimator.activation}`);
    } else if (kind === 'identity') {
      dense(g, current, layer.weights, layer.biases, base, output);
    } else {
      addOutputTransform(g, dense(g, current, layer.weights, layer.biases, base), kind, output);
    }
  });
}

/** `MatMul` by the transposed weights ([outputs][inputs] → [inputs, outputs]), then `Add` the biases. */
function dense(
  g: GraphBuilder,
  x: string,
  weights: readonly number[][],
  biases: readonly number[],
  base: string,
  output?: string,
): string {
  const units = weights.length;
  const inputs = weights[0]?.length ?? 0;
  const transposed: number[] = [];
  for (let i = 0; i < inputs; i++) for (let u = 0; u < units; u++) transposed.push(weights[u]?.[i] as number);
  const w = g.floatConstant(`${base}/weights`, transposed, [inputs, units]);
  const b = g.floatConstant(`${base}/biases`, biases, [units]);
  const product = g.op('MatMul', [x, w], `${base}/matmul`);
  return output === undefined
    ? g.op('Add', [product, b], `${base}/z`)
    : g.op('Add', [product, b], output, undefined, { exact: true });
}

function addOutputTransform(g: GraphBuilder, z: string, kind: 'logistic' | 'softmax', output: string): void {
  if (kind === 'softmax') g.op('Softmax', [z], output, { axis: 1 }, { exact: true });
  else binaryProbabilities(g, g.op('Sigmoid', [z], 'p'), output);
}

/** [N, 1] p(class 1) → [N, 2] `[1 − p, p]`, the layout `predictEstimator` gives binary classifiers. */
function binaryProbabilities(g: GraphBuilder, p: string, output: string): void {
  const one = g.floatConstant('one', [1], []);
  const complement = g.op('Sub', [one, p], '1-p');
  g.op('Concat', [complement, p], output, { axis: 1 }, { exact: true });
}

function addForest(
  g: GraphBuilder,
  estimator: ForestEstimator,
  x: string,
  features: number,
  classes: number,
  output: string,
): void {
  const { trees } = estimator;
  const nodes = treeNodes(trees, features);
  // The operators add up the leaves' weights; dividing each by the tree count makes that sum the average.
  const leafWeight = (tree: DecisionTree, node: number, o: number) => (tree.value[node]?.[o] ?? 0) / trees.length;
  // Regression and binary classification use one output per leaf: the mean, or p(class 1).
  const outputs = classes === 0 || classes === 2 ? 1 : classes;
  const outputIndex = classes === 2 ? 1 : 0;
  const targets: { tree: number[]; node: number[]; id: number[]; weight: number[] } = {
    tree: [],
    node: [],
    id: [],
    weight: [],
  };
  trees.forEach((tree, t) => {
    tree.feature.forEach((feature, node) => {
      if (feature >= 0) return;
      for (let o = 0; o < outputs; o++) {
        targets.tree.push(t);
        targets.node.push(node);
        // In the binary case onnxruntime wants the weights on class id 1 only; see below.
        targets.id.push(classes === 2 ? 1 : o);
        targets.weight.push(leafWeight(tree, node, o + outputIndex));
      }
    });
  });
  if (classes === 0) {
    g.op(
      'TreeEnsembleRegressor',
      [x],
      output,
      {
        ...nodes,
        target_treeids: targets.tree,
        target_nodeids: targets.node,
        target_ids: targets.id,
        target_weights: floats(targets.weight),
        n_targets: 1,
        aggregate_function: 'SUM',
        post_transform: 'NONE',
      },
      { domain: ML_DOMAIN, exact: true },
    );
    return;
  }
  const attributes = {
    ...nodes,
    class_treeids: targets.tree,
    class_nodeids: targets.node,
    class_ids: targets.id,
    class_weights: floats(targets.weight),
    classlabels_int64s: Array.from({ length: classes }, (_, c) => c),
    post_transform: 'NONE',
  };
  if (classes > 2) {
    g.node('TreeEnsembleClassifier', [x], [g.fresh('forest/class'), output], attributes, {
      domain: ML_DOMAIN,
      exact: true,
    });
    return;
  }
  // Two classes: with weights for both classes onnxruntime labels every row class 1, so the weights go
  // on class 1 alone. Its scores then hold p(class 1) in column 1, and [1 − p, p] is rebuilt here
  // rather than trusting the operator's own binary post-processing.
  const [, scores] = g.node('TreeEnsembleClassifier', [x], ['forest/class', 'forest/scores'], attributes, {
    domain: ML_DOMAIN,
  });
  const column1 = g.int64Constant('forest/class1', [1], [1]);
  const p = g.op('Gather', [scores as string, column1], 'forest/p', { axis: 1 });
  binaryProbabilities(g, p, output);
}

/** The `nodes_*` attributes shared by both tree operators, with thresholds as float32. */
function treeNodes(trees: readonly DecisionTree[], features: number) {
  const nodes = {
    nodes_treeids: [] as number[],
    nodes_nodeids: [] as number[],
    nodes_featureids: [] as number[],
    nodes_modes: [] as string[],
    nodes_values: [] as number[],
    nodes_truenodeids: [] as number[],
    nodes_falsenodeids: [] as number[],
  };
  trees.forEach((tree, t) => {
    const size = tree.feature.length;
    tree.feature.forEach((feature, node) => {
      const leaf = feature < 0;
      const left = leaf ? 0 : (tree.left[node] as number);
      const right = leaf ? 0 : (tree.right[node] as number);
      if (!leaf && (feature >= features || left >= size || right >= size)) {
        throw new Error(`tree ${t + 1}, node ${node}: feature or child out of range`);
      }
      nodes.nodes_treeids.push(t);
      nodes.nodes_nodeids.push(node);
      nodes.nodes_featureids.push(leaf ? 0 : feature);
      nodes.nodes_modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      nodes.nodes_values.push(leaf ? 0 : float32AtMost(tree.threshold[node] as number));
      nodes.nodes_truenodeids.push(left);
      nodes.nodes_falsenodeids.push(right);
    });
  });
  return { ...nodes, nodes_values: floats(nodes.nodes_values) };
}

const bits = new DataView(new ArrayBuffer(4));

/**
 * The largest float32 not above `t`. `predictForest` compares a float32 feature `x <= t` in float64;
 * for every float32 `x` that equals `x <= float32AtMost(t)`, which the graph can compute in float32.
 * Thresholds stored as float32 (as trainers write them) pass through unchanged.
 */
export function float32AtMost(t: number): number {
  const f = Math.fround(t);
  if (!(f > t)) return f;
  bits.setFloat32(0, f);
  const raw = bits.getUint32(0);
  // Stepping one unit in the last place towards −∞: down in magnitude when positive, up when negative.
  if (f > 0) bits.setUint32(0, raw - 1);
  else if (f === 0) bits.setUint32(0, 0x80000001);
  else bits.setUint32(0, raw + 1);
  return bits.getFloat32(0);
}
