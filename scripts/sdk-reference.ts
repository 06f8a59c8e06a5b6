/**
 * Writes docs/sdk-reference.md, the plugin author's reference to @loom/sdk, from the SDK's own TSDoc and
 * declarations (read with the TypeScript compiler API), so the reference says what the code says.
 *
 *   node --import tsx scripts/sdk-reference.ts           writes the file (`pnpm docs:sdk`)
 *   node --import tsx scripts/sdk-reference.ts --check   exits 1 when the committed file differs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** A group of exports on the page; `names` appear in this order. */
export interface ReferenceSection {
  title: string;
  /** Markdown shown before the section's entries. */
  intro: string;
  names: readonly string[];
}

/** How the page is laid out: sections in order (exports placed in none join the last), and value tables. */
export interface ReferenceLayout {
  sections: readonly ReferenceSection[];
  /** Consts whose value is a list worth reading (e.g. the built-in port types), by the fields to show. */
  tables: Readonly<Record<string, readonly string[]>>;
}

/** Doc text with its `{@link}`s kept apart: where they point is known only once the page is laid out. */
export type DocText = Array<string | { link: string; label?: string }>;

export interface DocComment {
  text: DocText;
  tags: Array<{ tag: string; text: DocText }>;
}

export interface DocMember {
  /** Absent for call and index signatures. */
  name?: string;
  signature: string;
  doc: DocComment;
}

/** One export of the package, with what the reference shows of it. */
export interface SdkExport {
  name: string;
  kind: 'function' | 'class' | 'interface' | 'type' | 'const' | 'let' | 'var' | 'enum' | 'namespace';
  /** The entry points it is imported from, e.g. `@loom/sdk/testing`. */
  importFrom: string[];
  /** The declaring file; absent for another package's export passed on as it is. */
  file?: string;
  /** The npm package that declares it, for re-exports from `node_modules` (their internals are not shown). */
  reexportedFrom?: { name: string; url?: string };
  /** The declaration as written, without its body. */
  signature?: string;
  doc: DocComment;
  members: DocMember[];
  /** A const's value when it is a literal list of objects with literal fields. */
  rows?: Array<Record<string, string>>;
}

/** The SDK's page, in the order a plugin author meets things; what Loom itself uses comes last. */
export const SDK_LAYOUT: ReferenceLayout = {
  sections: [
    {
      title: 'Defining nodes',
      intro:
        "A node type is one `defineNode` call: its ports, its parameter schema, what it needs to run and the `run` function. Documents pin a type and version; when a change alters results or parameters, publish a new version beside the old one, with a `migrate` that carries old parameters over. A plugin's entry point exports its definitions as `nodes` (and its port types as `portTypes`); its package.json lists them under `loom.nodes`.",
      names: [
        'defineNode',
        'NodeDefinitionInput',
        'NodeCategory',
        'ResourceNeeds',
        'RetryPolicy',
        'ParameterMigration',
        'NodeDefinition',
        'AnyNodeDefinition',
      ],
    },
    {
      title: 'Ports and port types',
      intro:
        'Ports are declared with `input` and `output` and named by port type; `ctx.inputs` and the value `run` returns are typed from them. An output fits an input of its own type or of a type it extends. A plugin adds its own port type with `definePortType` and declaration merging on `PortValueTypes`.',
      names: [
        'input',
        'output',
        'InputPortOptions',
        'InputPort',
        'OutputPort',
        'InputPorts',
        'OutputPorts',
        'InputValue',
        'InputValues',
        'OutputValues',
        'BUILTIN_PORT_TYPES',
        'definePortType',
        'PortTypeDefinition',
        'PortStorage',
        'PortValueTypes',
        'PortTypeName',
        'PortValue',
        'ArtifactRef',
        'Metrics',
        'MetricValue',
        'MetricCurve',
        'MetricMatrix',
        'Endpoint',
        'JsonValue',
      ],
    },
    {
      title: 'Parameters',
      intro: [
        "A node's `params` is a TypeBox object schema built with `Type`: it types `ctx.params`, validates documents and draws the designer's form (`description` becomes the field's help, `default` fills in what a document leaves out). The SDK re-exports the TypeBox it checks parameters with, so a plugin needs no TypeBox dependency of its own.",
        codeBlock(
          [
            'params: Type.Object({',
            "  path: Type.String({ description: 'The file to read, relative to the pipeline document' }),",
            '  limit: Type.Integer({ minimum: 1, default: 100 }),',
            '}),',
          ].join('\n'),
        ),
      ].join('\n\n'),
      names: ['Type', 'Static', 'TObject', 'TSchema', 'parameterJsonSchema'],
    },
    {
      title: 'The step context',
      intro:
        "What `run(ctx)` receives: its parameters and inputs, a logger, progress and metrics, the artifact store, the model registry (`ctx.models`, for deploying and for reading an endpoint's traffic) and the step's identity. A node's code never touches the queue, the store or HTTP directly, so the same node runs inline, on a queue worker or in a test.",
      names: [
        'StepContext',
        'StepLogger',
        'LogLevel',
        'ArtifactAccess',
        'StepIdentity',
        'InputSource',
        'FingerprintContext',
        'ModelRegistryAccess',
        'DeployRequest',
        'DeployResult',
        'DeployTrafficShare',
        'TrafficWindowRequest',
        'TrafficWindow',
        'MAX_TRAFFIC_SECONDS',
        'MODEL_NAME_PATTERN',
        'ALIAS_PATTERN',
      ],
    },
    {
      title: 'Errors',
      intro:
        'Throw a `NodeError` for a problem the user can fix: its message is shown as it is, and `retryable: false` skips the retries. Any other error fails the attempt with its stack trace kept, and is retried like any failure.',
      names: ['NodeError', 'describeJsonError'],
    },
    {
      title: 'Testing',
      intro:
        'The `@loom/sdk/testing` entry point runs one node in isolation, without a pipeline or a server, and records what it reported. It uses Node.js built-ins, so import it from tests only.',
      names: ['runNode', 'RunNodeOptions', 'NodeRunRecord', 'asDefinition'],
    },
    {
      title: 'For Loom itself',
      intro:
        'What the compiler, runtime, server and designer use: the registry of installed node types, the catalog a server sends its designer, parameter upgrades between versions, and helpers. A plugin rarely needs these. Exports not placed in an earlier section are listed here too.',
      names: [
        'NodeRegistry',
        'NodeRegistration',
        'RegisteredNode',
        'PluginIdentity',
        'PluginOrigin',
        'isPortTypeCompatible',
        'nodeCatalog',
        'registryFromCatalog',
        'NodeCatalog',
        'CatalogNode',
        'CatalogInputPort',
        'CatalogOutputPort',
        'CatalogPortType',
        'typeBoxFromJsonSchema',
        'upgradeNodeParams',
        'UpgradeResult',
        'NodeParamsUpgrade',
        'AppliedMigration',
        'UpgradeFailure',
        'compareSemver',
      ],
    },
  ],
  tables: { BUILTIN_PORT_TYPES: ['name', 'description', 'storage', 'extends'] },
};

/** The reference page of the package in `packageDir`, with links relative to `docsDir` where it will live. */
export function sdkReference(packageDir: string, docsDir: string, layout: ReferenceLayout = SDK_LAYOUT): string {
  const { name } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string };
  return renderReference(collectExports(packageDir), { packageName: name, docsDir, layout });
}

const TYPE_KINDS: ReadonlySet<SdkExport['kind']> = new Set(['interface', 'type']);

/** Inline member signatures longer than this become code blocks. */
const INLINE_SIGNATURE_LIMIT = 100;
/** Declarations with a longer line are printed again over more lines; the formatter keeps source to 120. */
const CODE_LINE_LIMIT = 120;

// Only declarations are read, never checked, so no `@types` are loaded.
const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  noEmit: true,
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: true,
  types: [],
};

/** Every export of every entry point in the package's `exports`, re-exports followed to their declarations. */
export function collectExports(packageDir: string): SdkExport[] {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string>;
  };
  const entryPoints = Object.entries(manifest.exports)
    .filter((pair): pair is [string, string] => typeof pair[1] === 'string' && pair[1].endsWith('.ts'))
    .map(([subpath, file]) => ({ specifier: manifest.name + subpath.slice(1), file: resolve(packageDir, file) }));
  const program = ts.createProgram(
    entryPoints.map((entry) => entry.file),
    COMPILER_OPTIONS,
  );
  const checker = program.getTypeChecker();
  const bySymbol = new Map<ts.Symbol, SdkExport>();
  for (const entry of entryPoints) {
    const sourceFile = program.getSourceFile(entry.file);
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (moduleSymbol === undefined) throw new Error(`${entry.file}: not a module the compiler could read`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const known = bySymbol.get(symbol);
      if (known !== undefined) known.importFrom.push(entry.specifier);
      else bySymbol.set(symbol, describeExport(exported.name, symbol, entry.specifier, checker));
    }
  }
  return [...bySymbol.values()].sort((a, b) => compareNames(a.name, b.name));
}

function describeExport(name: string, symbol: ts.Symbol, importFrom: string, checker: ts.TypeChecker): SdkExport {
  const declarations = symbol.declarations ?? [];
  const declaration = declarations[0];
  if (declaration === undefined) throw new Error(`export ${name} has no declaration`);
  const fileName = declaration.getSourceFile().fileName;
  const external = installedPackage(fileName);
  const entry: SdkExport = {
    name,
    kind: kindOf(declaration),
    importFrom: [importFrom],
    doc: docOf(declaration),
    members: [],
  };
  if (external !== undefined) {
    entry.reexportedFrom = external;
    return entry;
  }
  entry.file = fileName;
  if (ts.isFunctionDeclaration(declaration)) {
    const functions = declarations.filter(ts.isFunctionDeclaration);
    // With overloads, the implementation's signature is not callable from outside.
    const callable = functions.some((f) => f.body === undefined) ? functions.filter((f) => !f.body) : functions;
    entry.signature = callable.map((f) => declarationText(f, f.body?.getStart() ?? f.end)).join('\n');
  } else if (ts.isInterfaceDeclaration(declaration) || ts.isClassDeclaration(declaration)) {
    entry.signature = sourceText(declaration, openBrace(declaration));
    entry.members = declarations
      .filter((d) => ts.isInterfaceDeclaration(d) || ts.isClassDeclaration(d))
      .flatMap((d) => membersOf(d));
  } else if (ts.isTypeAliasDeclaration(declaration) || ts.isEnumDeclaration(declaration)) {
    entry.signature = declarationText(declaration, declaration.end);
  } else if (ts.isVariableDeclaration(declaration)) {
    entry.signature = variableSignature(declaration, checker);
    const rows = literalRows(declaration.initializer);
    if (rows !== undefined) entry.rows = rows;
  }
  return entry;
}

function kindOf(declaration: ts.Declaration): SdkExport['kind'] {
  if (ts.isFunctionDeclaration(declaration)) return 'function';
  if (ts.isClassDeclaration(declaration)) return 'class';
  if (ts.isInterfaceDeclaration(declaration)) return 'interface';
  if (ts.isTypeAliasDeclaration(declaration)) return 'type';
  if (ts.isEnumDeclaration(declaration)) return 'enum';
  if (ts.isModuleDeclaration(declaration)) return 'namespace';
  if (ts.isVariableDeclaration(declaration)) {
    const flags = declaration.parent.flags;
    return flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
  }
  throw new Error(`${ts.SyntaxKind[declaration.kind]} exports are not described yet`);
}

/** The installed npm package a file belongs to; undefined for a workspace package, which resolves to its source. */
function installedPackage(fileName: string): SdkExport['reexportedFrom'] {
  const path = fileName.replaceAll('\\', '/');
  const marker = '/node_modules/';
  const at = path.lastIndexOf(marker);
  if (at === -1) return undefined;
  const [scope = '', name = ''] = path.slice(at + marker.length).split('/');
  const packageName = scope.startsWith('@') ? `${scope}/${name}` : scope;
  const manifest = JSON.parse(readFileSync(`${path.slice(0, at + marker.length)}${packageName}/package.json`, 'utf8'));
  const repository = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  const url = (manifest.homepage ?? repository)?.replace(/^git\+/, '').replace(/\.git$/, '');
  return typeof url === 'string' && url.startsWith('https://') ? { name: packageName, url } : { name: packageName };
}

/** How a declaration is made public; the reference's import lines say that instead. */
const EXPORT_KEYWORDS = /^export\s+(?:default\s+)?(?:declare\s+)?/;

/** The declaration as written up to `end`, without `export`, dedented to its first line's column. */
function sourceText(node: ts.Node, end: number): string {
  const file = node.getSourceFile();
  const start = node.getStart(file);
  const column = file.getLineAndCharacterOfPosition(start).character;
  const text = file.text
    .slice(start, end)
    .replaceAll('\r\n', '\n')
    .trim()
    .replace(/[;,]$/, '')
    .replace(EXPORT_KEYWORDS, '');
  const margin = new RegExp(`^ {0,${column}}`);
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? line : line.replace(margin, '')))
    .join('\n');
}

/**
 * {@link sourceText}, unless a line of it is too long to read (source no formatter has seen): then the
 * node printed again, which puts each member of an object type on a line of its own.
 */
function declarationText(node: ts.Node, end: number): string {
  const text = sourceText(node, end);
  if (text.split('\n').every((line) => line.length <= CODE_LINE_LIMIT)) return text;
  return ts
    .createPrinter({ removeComments: true })
    .printNode(ts.EmitHint.Unspecified, withoutBody(node), node.getSourceFile())
    .replace(EXPORT_KEYWORDS, '')
    .replace(/;\s*$/, '')
    .replace(/^(?: {4})+/gm, (indent) => ' '.repeat(indent.length / 2));
}

function withoutBody(node: ts.Node): ts.Node {
  const { factory } = ts;
  if (ts.isFunctionDeclaration(node)) {
    const modifiers = node.modifiers?.filter((m) => m.kind !== ts.SyntaxKind.ExportKeyword);
    const { asteriskToken, name, typeParameters, parameters, type } = node;
    return factory.updateFunctionDeclaration(
      node,
      modifiers,
      asteriskToken,
      name,
      typeParameters,
      parameters,
      type,
      undefined,
    );
  }
  if (ts.isMethodDeclaration(node)) {
    const { modifiers, asteriskToken, name, questionToken, typeParameters, parameters, type } = node;
    return factory.updateMethodDeclaration(
      node,
      modifiers,
      asteriskToken,
      name,
      questionToken,
      typeParameters,
      parameters,
      type,
      undefined,
    );
  }
  if (ts.isConstructorDeclaration(node)) {
    return factory.updateConstructorDeclaration(node, node.modifiers, node.parameters, undefined);
  }
  if (ts.isPropertyDeclaration(node)) {
    const { modifiers, name, questionToken, exclamationToken, type } = node;
    return factory.updatePropertyDeclaration(node, modifiers, name, questionToken ?? exclamationToken, type, undefined);
  }
  return node;
}

function openBrace(node: ts.InterfaceDeclaration | ts.ClassDeclaration): number {
  const brace = node.getChildren().find((child) => child.kind === ts.SyntaxKind.OpenBraceToken);
  return brace?.getStart() ?? node.end;
}

function membersOf(node: ts.InterfaceDeclaration | ts.ClassDeclaration): DocMember[] {
  const overloaded = new Set(
    node.members.filter((m) => ts.isMethodDeclaration(m) && m.body === undefined).map((m) => m.name?.getText()),
  );
  const members: DocMember[] = [];
  for (const member of node.members) {
    if (!isPublic(member)) continue;
    if (ts.isMethodDeclaration(member) && member.body !== undefined && overloaded.has(member.name.getText())) continue;
    const signature = memberSignature(member);
    if (signature === undefined) continue;
    const documented: DocMember = { signature, doc: docOf(member) };
    if (member.name !== undefined) documented.name = member.name.getText();
    members.push(documented);
  }
  return members;
}

function isPublic(member: ts.ClassElement | ts.TypeElement): boolean {
  if (member.name !== undefined && ts.isPrivateIdentifier(member.name)) return false;
  const flags = ts.getCombinedModifierFlags(member as ts.Declaration);
  return (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0;
}

function memberSignature(member: ts.ClassElement | ts.TypeElement): string | undefined {
  if (ts.isFunctionLike(member) && 'body' in member) {
    return declarationText(member, (member.body as ts.Node | undefined)?.getStart() ?? member.end);
  }
  if (ts.isPropertyDeclaration(member)) {
    // A typed property's initializer is an implementation detail; an untyped one's is its type.
    return declarationText(member, member.type?.end ?? member.end);
  }
  if (ts.isTypeElement(member)) return declarationText(member, member.end);
  return undefined;
}

function variableSignature(declaration: ts.VariableDeclaration, checker: ts.TypeChecker): string {
  const kind = kindOf(declaration);
  const name = declaration.name.getText();
  if (declaration.type !== undefined)
    return `${kind} ${name}: ${declarationText(declaration.type, declaration.type.end)}`;
  const inferred = checker.typeToString(checker.getTypeAtLocation(declaration));
  return inferred.length <= INLINE_SIGNATURE_LIMIT ? `${kind} ${name}: ${inferred}` : `${kind} ${name}`;
}

/** `[{ name: 'a', … }, …]` with literal fields only, as rows of text; undefined for any other value. */
function literalRows(initializer: ts.Expression | undefined): Array<Record<string, string>> | undefined {
  let list = initializer;
  while (list !== undefined && (ts.isAsExpression(list) || ts.isSatisfiesExpression(list))) list = list.expression;
  if (list === undefined || !ts.isArrayLiteralExpression(list)) return undefined;
  const rows: Array<Record<string, string>> = [];
  for (const element of list.elements) {
    if (!ts.isObjectLiteralExpression(element)) return undefined;
    const row: Record<string, string> = {};
    for (const property of element.properties) {
      if (!ts.isPropertyAssignment(property)) return undefined;
      const value = property.initializer;
      if (ts.isStringLiteralLike(value) || ts.isNumericLiteral(value)) row[property.name.getText()] = value.text;
      else if (value.kind === ts.SyntaxKind.TrueKeyword || value.kind === ts.SyntaxKind.FalseKeyword) {
        row[property.name.getText()] = value.getText();
      } else return undefined;
    }
    rows.push(row);
  }
  return rows;
}

function docOf(node: ts.Node): DocComment {
  // The closest comment is the declaration's own; a variable's sits on its statement, which this finds.
  const jsDoc = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc).at(-1);
  if (jsDoc === undefined) return { text: [], tags: [] };
  return {
    text: docText(jsDoc.comment),
    tags: (jsDoc.tags ?? []).map((tag) => {
      const text = docText(tag.comment);
      if (ts.isJSDocParameterTag(tag)) text.unshift(`\`${tag.name.getText()}\` — `);
      return { tag: tag.tagName.text, text };
    }),
  };
}

function docText(comment: string | ts.NodeArray<ts.JSDocComment> | undefined): DocText {
  if (comment === undefined) return [];
  if (typeof comment === 'string') return [comment];
  return comment.map((part) => {
    if (part.kind === ts.SyntaxKind.JSDocText) return part.text;
    const label = part.text.trim();
    if (part.name === undefined) return label;
    return label === '' ? { link: part.name.getText() } : { link: part.name.getText(), label };
  });
}

// Rendering

interface Page {
  docsDir: string;
  /** Heading anchors of the exports, by name. */
  anchors: Map<string, string>;
  tables: ReferenceLayout['tables'];
}

/** The reference page for a package's exports, laid out by `layout`. */
export function renderReference(
  exports: readonly SdkExport[],
  options: { packageName: string; docsDir: string; layout: ReferenceLayout },
): string {
  const sections = placeExports(exports, options.layout.sections);
  const title = `${options.packageName} reference`;
  const slugs = new HeadingSlugs();
  slugs.add(title);
  slugs.add('Contents');
  const page: Page = { docsDir: options.docsDir, anchors: new Map(), tables: options.layout.tables };
  const sectionAnchors = sections.map((section) => {
    const anchor = slugs.add(section.title);
    for (const entry of section.entries) page.anchors.set(entry.name, slugs.add(entry.name));
    return anchor;
  });
  const entryPoints = [...new Set(exports.flatMap((entry) => entry.importFrom))].sort();
  const blocks = [
    `# ${title}`,
    `> Generated from the TSDoc comments and declarations of \`${options.packageName}\` by \`pnpm docs:sdk\` (\`scripts/sdk-reference.ts\`): do not edit it by hand. Change the comments in the source and run \`pnpm docs:sdk\`; a test fails while this file differs from what the code says.`,
    `Everything a plugin imports from ${entryPoints.map((p) => `\`${p}\``).join(' and ')}, in the order you meet it when writing a node. Types are imported with \`import type\`.`,
    '## Contents',
    sections
      .map((section, i) => {
        const links = section.entries.map((entry) => `[\`${entry.name}\`](#${page.anchors.get(entry.name)})`);
        return `- [${section.title}](#${sectionAnchors[i]}): ${links.join(', ')}`;
      })
      .join('\n'),
  ];
  for (const section of sections) {
    blocks.push(`## ${section.title}`, section.intro);
    for (const entry of section.entries) blocks.push(...renderEntry(entry, page));
  }
  return `${blocks.filter((block) => block !== '').join('\n\n')}\n`;
}

function placeExports(exports: readonly SdkExport[], sections: readonly ReferenceSection[]) {
  const byName = new Map(exports.map((entry) => [entry.name, entry]));
  const placed = new Set<string>();
  const laidOut = sections.map((section) => ({
    ...section,
    entries: section.names.map((name) => {
      const entry = byName.get(name);
      if (entry === undefined) {
        throw new Error(
          `the reference layout places ${name}, which the package does not export; remove it from the layout`,
        );
      }
      if (placed.has(name)) throw new Error(`the reference layout places ${name} twice`);
      placed.add(name);
      return entry;
    }),
  }));
  const last = laidOut.at(-1);
  if (last === undefined) throw new Error('the reference layout has no sections');
  // Exports nobody placed still appear, in the last section, so nothing is silently left out.
  last.entries.push(...exports.filter((entry) => !placed.has(entry.name)));
  return laidOut;
}

function renderEntry(entry: SdkExport, page: Page): string[] {
  const blocks = [`### \`${entry.name}\``, metaLine(entry, page)];
  const tags = (name: string) => entry.doc.tags.filter((t) => t.tag === name).map((t) => markdown(t.text, page));
  for (const text of tags('deprecated')) blocks.push(`**Deprecated.** ${text}`);
  blocks.push(markdown(entry.doc.text, page));
  // `interface ResourceNeeds` alone says nothing the heading does not; generics and `extends` do.
  if (entry.signature !== undefined && entry.signature !== `${entry.kind} ${entry.name}`) {
    blocks.push(codeBlock(entry.signature));
  }
  if (entry.members.length > 0) blocks.push(entry.members.map((member) => renderMember(member, page)).join('\n'));
  const params = tags('param');
  if (params.length > 0) blocks.push(`**Parameters**\n\n${params.map((text) => `- ${text}`).join('\n')}`);
  blocks.push(...tags('returns').map((text) => `**Returns** ${text}`));
  blocks.push(...tags('throws').map((text) => `**Throws** ${text}`));
  blocks.push(...tags('default').map((text) => `**Default:** ${formatDefault(text)}`));
  blocks.push(...tags('see').map((text) => `**See** ${text}`));
  const fields = page.tables[entry.name];
  if (fields !== undefined) blocks.push(renderTable(entry, fields));
  for (const { tag, text } of entry.doc.tags) {
    if (tag === 'example') blocks.push(`**Example**\n\n${exampleBlock(plain(text))}`);
    else if (!RENDERED_TAGS.has(tag)) blocks.push(`**@${tag}** ${markdown(text, page)}`);
  }
  return blocks;
}

const RENDERED_TAGS = new Set(['deprecated', 'param', 'returns', 'throws', 'default', 'see', 'example']);

function metaLine(entry: SdkExport, page: Page): string {
  const imports = entry.importFrom
    .map((from) => `\`import ${TYPE_KINDS.has(entry.kind) ? 'type ' : ''}{ ${entry.name} } from '${from}'\``)
    .join(' or ');
  const from = entry.reexportedFrom;
  const origin =
    from !== undefined
      ? `re-exported from ${from.url === undefined ? `\`${from.name}\`` : `[\`${from.name}\`](${from.url})`}, as it is`
      : entry.file !== undefined
        ? `[${basename(entry.file)}](${relative(page.docsDir, entry.file).split(sep).join('/')})`
        : '';
  return [`*${entry.kind}*`, imports, origin].filter((part) => part !== '').join(' · ');
}

function renderMember(member: DocMember, page: Page): string {
  const lines: string[] = [];
  const notes = [
    ...member.doc.tags.filter((t) => t.tag === 'throws').map((t) => `**Throws** ${markdown(t.text, page)}`),
    ...member.doc.tags.filter((t) => t.tag === 'default').map((t) => `**Default:** ${formatDefault(plain(t.text))}`),
  ];
  // One paragraph, so that it stays inside the list item.
  const about = [markdown(member.doc.text, page), ...notes]
    .filter((part) => part !== '')
    .join(' ')
    .replace(/([^\n])\n(?!\n)/g, '$1 ');
  const oneLine = member.signature.replace(/\s*\n\s*/g, ' ');
  const short = oneLine.length <= INLINE_SIGNATURE_LIMIT;
  // A long signature goes below, as a code block; the item then starts with the member's name alone.
  const head = short ? `\`${oneLine}\`` : member.name === undefined ? '' : `\`${member.name}\``;
  lines.push(`- ${[head, about].filter((part) => part !== '').join(' — ')}`);
  if (!short) lines.push('', indent(codeBlock(member.signature)));
  for (const example of member.doc.tags.filter((t) => t.tag === 'example')) {
    lines.push('', indent(exampleBlock(plain(example.text))));
  }
  return lines.join('\n');
}

function renderTable(entry: SdkExport, fields: readonly string[]): string {
  if (entry.rows === undefined) {
    throw new Error(`${entry.name} is laid out as a table, but its value is not a literal list of objects`);
  }
  const cell = (text: string | undefined) => (text === undefined ? '—' : text.replaceAll('|', '\\|'));
  return [
    `| ${fields.join(' | ')} |`,
    `| ${fields.map(() => '---').join(' | ')} |`,
    // The first field names the row, so it is set as code.
    ...entry.rows.map(
      (row) => `| ${fields.map((field, i) => (i === 0 ? `\`${cell(row[field])}\`` : cell(row[field]))).join(' | ')} |`,
    ),
  ].join('\n');
}

function markdown(text: DocText, page: Page): string {
  return text
    .map((part) => {
      if (typeof part === 'string') return part;
      // `{@link NodeRunRecord.cleanup}` points at NodeRunRecord's entry.
      const anchor = page.anchors.get(part.link.split('.')[0] ?? '');
      const label = part.label ?? `\`${part.link}\``;
      return anchor === undefined ? label : `[${label}](#${anchor})`;
    })
    .join('')
    .trim();
}

/** Doc text with links as their names, for code. */
function plain(text: DocText): string {
  return text
    .map((part) => (typeof part === 'string' ? part : (part.label ?? part.link)))
    .join('')
    .trim();
}

/** A default written with backticks is prose about values (`'gpu'` when `gpu > 0`); any other is one value. */
function formatDefault(text: string): string {
  return text.includes('`') ? text : `\`${text}\``;
}

function exampleBlock(example: string): string {
  return example.startsWith('```') ? example : codeBlock(example);
}

function codeBlock(code: string): string {
  return `\`\`\`ts\n${code}\n\`\`\``;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
class HeadingSlugs {
  readonly #seen = new Map<string, number>();

  add(heading: string): string {
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = this.#seen.get(slug) ?? 0;
    this.#seen.set(slug, count + 1);
    return count === 0 ? slug : `${slug}-${count}`;
  }
}

/** Case-insensitive, then by code unit: the same order on every machine, whatever its locale. */
function compareNames(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const root = resolve(import.meta.dirname, '..');
const referenceFile = join(root, 'docs', 'sdk-reference.md');

function main(check: boolean): void {
  const sdkDir = join(root, 'packages', 'sdk');
  const { name } = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')) as { name: string };
  const exports = collectExports(sdkDir);
  const markdownText = renderReference(exports, { packageName: name, docsDir: join(root, 'docs'), layout: SDK_LAYOUT });
  const undocumented = exports.filter((e) => e.reexportedFrom === undefined && e.doc.text.length === 0);
  if (undocumented.length > 0) {
    console.warn(`exports without a doc comment: ${undocumented.map((e) => e.name).join(', ')}`);
  }
  if (check) {
    let committed = '';
    try {
      committed = readFileSync(referenceFile, 'utf8');
    } catch {}
    if (committed !== markdownText) {
      console.error('docs/sdk-reference.md differs from what the SDK says now: run `pnpm docs:sdk`');
      process.exit(1);
    }
    console.log('docs/sdk-reference.md is up to date');
    return;
  }
  writeFileSync(referenceFile, markdownText);
  console.log(`wrote docs/sdk-reference.md (${exports.length} exports)`);
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) main(process.argv.includes('--check'));
