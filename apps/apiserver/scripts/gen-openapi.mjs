// Writes generated/openapi.json: the JSON schema of every definition reachable from the kinds this
// server serves, keyed by upstream definition name (io.k8s.api.core.v1.Pod,
// io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta, …), with references in Swagger 2.0 form
// (`#/definitions/<name>`). The source is the declaration files of the kubernetes-types package,
// read with the TypeScript compiler API: interfaces become objects, optional members decide
// `required`, doc comments become descriptions. What those files cannot say comes from
// openapi-extensions.mjs. Run at build time: `node scripts/gen-openapi.mjs [--out FILE]`.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFINITION_EXTENSIONS, INT64_FIELDS, PROPERTY_EXTENSIONS } from './openapi-extensions.mjs';

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));
const repoRoot = resolve(appDir, '../..');
const ts = createRequire(join(repoRoot, 'package.json'))('typescript');
const typesDir = dirname(createRequire(join(appDir, 'package.json')).resolve('kubernetes-types/package.json'));

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const DATE_TIME = new Set(['io.k8s.apimachinery.pkg.apis.meta.v1.Time', 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime']);

/** The resource table, read from its TypeScript source (it imports nothing). */
async function loadResources() {
  const source = readFileSync(join(repoRoot, 'packages/api/src/resources.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const mod = await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
  return mod.RESOURCES;
}

/** kubernetes-types module ('core/v1', 'meta/v1', 'api/resource', 'runtime') → definition prefix. */
function prefixOf(mod) {
  if (mod === 'meta/v1') return 'io.k8s.apimachinery.pkg.apis.meta.v1';
  if (mod === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource';
  if (mod === 'runtime') return 'io.k8s.apimachinery.pkg.runtime';
  if (mod === 'version') return 'io.k8s.apimachinery.pkg.version';
  if (mod.startsWith('apiextensions/')) return `io.k8s.apiextensions-apiserver.pkg.apis.${mod.replace('/', '.')}`;
  return `io.k8s.api.${mod.replace('/', '.')}`;
}

/** API group and version → kubernetes-types module: '' → core/v1, 'coordination.k8s.io' → coordination/v1. */
const moduleOf = (group, version) => `${group === '' ? 'core' : group.split('.')[0]}/${version}`;

const modules = new Map();
function loadModule(mod) {
  let m = modules.get(mod);
  if (m) return m;
  const file = join(typesDir, `${mod}.d.ts`);
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  m = { decls: new Map(), imports: new Map() };
  for (const st of sf.statements) {
    if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) m.decls.set(st.name.text, st);
    if (ts.isImportDeclaration(st) && st.importClause?.namedBindings && ts.isNamedImports(st.importClause.namedBindings)) {
      const from = posix.join(posix.dirname(mod), st.moduleSpecifier.text);
      for (const el of st.importClause.namedBindings.elements) m.imports.set(el.name.text, from);
    }
  }
  modules.set(mod, m);
  return m;
}

function docOf(node) {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = docs.length ? ts.getTextOfJSDocComment(docs[docs.length - 1].comment) : undefined;
  return text?.trim() || undefined;
}

const apiVersionParts = (apiVersion) => {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
};

const literalOf = (member) => (member?.type && ts.isLiteralTypeNode(member.type) && ts.isStringLiteral(member.type.literal) ? member.type.literal.text : undefined);

class Generator {
  definitions = new Map();
  queue = [];

  constructor(extraGVKs) {
    this.extraGVKs = extraGVKs;
  }

  /** Queues a declaration and answers a reference to it. */
  ref(mod, name) {
    const m = loadModule(mod);
    const target = m.decls.has(name) ? mod : m.imports.get(name);
    if (!target || !loadModule(target).decls.has(name)) throw new Error(`${mod}: unknown type ${name}`);
    const def = `${prefixOf(target)}.${name}`;
    if (!this.definitions.has(def)) {
      this.definitions.set(def, null);
      this.queue.push({ def, mod: target, node: loadModule(target).decls.get(name) });
    }
    return { $ref: `#/definitions/${def}` };
  }

  /** The schema of one type in declaration `mod`; `field` names the member for integer widths. */
  schemaOf(node, mod, field) {
    const K = ts.SyntaxKind;
    switch (node.kind) {
      case K.StringKeyword: return { type: 'string' };
      case K.BooleanKeyword: return { type: 'boolean' };
      case K.NumberKeyword: return { type: 'integer', format: INT64_FIELDS.has(field) ? 'int64' : 'int32' };
      case K.ParenthesizedType: return this.schemaOf(node.type, mod, field);
      case K.ArrayType: return { type: 'array', items: this.schemaOf(node.elementType, mod, field) };
      case K.LiteralType:
        if (ts.isStringLiteral(node.literal)) return { type: 'string' };
        break;
      case K.UnionType: {
        const kinds = new Set(node.types.map((t) => t.kind));
        if (kinds.size === 2 && kinds.has(K.NumberKeyword) && kinds.has(K.StringKeyword)) {
          this.definitions.set(INT_OR_STRING, {
            description: 'A value that is either a 32-bit integer or a string, written as a JSON number or a JSON string.',
            format: 'int-or-string',
            type: 'string',
            'x-kubernetes-int-or-string': true,
          });
          return { $ref: `#/definitions/${INT_OR_STRING}` };
        }
        break;
      }
      case K.TypeReference: {
        const name = node.typeName.getText();
        if (name === 'Array' && node.typeArguments?.length === 1) return { type: 'array', items: this.schemaOf(node.typeArguments[0], mod, field) };
        return this.ref(mod, name);
      }
      case K.TypeLiteral: {
        const index = node.members.find(ts.isIndexSignatureDeclaration);
        if (index) return { type: 'object', additionalProperties: this.schemaOf(index.type, mod, field) };
        if (node.members.length === 0) return { type: 'object' };
        break;
      }
    }
    throw new Error(`${mod}: cannot express ${ts.SyntaxKind[node.kind]} \`${node.getText()}\` as a schema`);
  }

  define({ def, mod, node }) {
    const description = docOf(node);
    if (ts.isTypeAliasDeclaration(node)) {
      const s = this.schemaOf(node.type, mod, node.name.text);
      return { ...(description ? { description } : {}), ...s, ...(DATE_TIME.has(def) ? { format: 'date-time' } : {}) };
    }
    const properties = {};
    const required = [];
    const extensions = PROPERTY_EXTENSIONS[def] ?? {};
    for (const member of node.members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const name = member.name.text;
      const doc = docOf(member);
      properties[name] = { ...(doc ? { description: doc } : {}), ...this.schemaOf(member.type, mod, name), ...extensions[name] };
      if (!member.questionToken) required.push(name);
    }
    const kind = literalOf(node.members.find((m) => m.name?.text === 'kind'));
    const apiVersion = literalOf(node.members.find((m) => m.name?.text === 'apiVersion'));
    const gvks = kind && apiVersion ? [{ ...apiVersionParts(apiVersion), kind }] : this.extraGVKs[def];
    return {
      ...(description ? { description } : {}),
      ...(Object.keys(properties).length ? { properties } : {}),
      ...(required.length ? { required: required.sort() } : {}),
      type: 'object',
      ...DEFINITION_EXTENSIONS[def],
      ...(gvks ? { 'x-kubernetes-group-version-kind': gvks.map(({ group, kind, version }) => ({ group, kind, version })) } : {}),
    };
  }

  run() {
    for (let job = this.queue.shift(); job; job = this.queue.shift()) this.definitions.set(job.def, this.define(job));
    return Object.fromEntries([...this.definitions.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

/** Every definition reachable from the served kinds, their lists, subresource kinds and the
 *  meta.k8s.io kinds every group version uses (Status, DeleteOptions, WatchEvent). */
export async function generate(resources) {
  resources ??= await loadResources();
  const gvs = new Map();
  for (const r of resources) gvs.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  const everyGV = (kind) => [...gvs.values()].map((gv) => ({ ...gv, kind }));
  const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';
  const g = new Generator({
    [`${meta}.Status`]: [{ group: '', version: 'v1', kind: 'Status' }],
    [`${meta}.DeleteOptions`]: everyGV('DeleteOptions'),
    [`${meta}.WatchEvent`]: everyGV('WatchEvent'),
  });
  for (const name of ['Status', 'DeleteOptions', 'WatchEvent']) g.ref('meta/v1', name);
  for (const r of resources) {
    const mod = moduleOf(r.group, r.version);
    g.ref(mod, r.kind);
    g.ref(mod, r.listKind);
    for (const s of r.subresources) {
      const sub = moduleOf(s.group ?? r.group, s.version ?? r.version);
      // Connect options (PodExecOptions, …) have no schema upstream either.
      if (loadModule(sub).decls.has(s.kind)) g.ref(sub, s.kind);
    }
  }
  return g.run();
}

async function main() {
  const i = process.argv.indexOf('--out');
  const fallback = join(appDir, 'generated/openapi.json');
  const out = i > 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : fallback;
  const defs = await generate();
  mkdirSync(dirname(out), { recursive: true });
  // The generated folder ignores itself, so the build output never shows up in git.
  if (out === fallback) writeFileSync(join(dirname(out), '.gitignore'), '*\n');
  // Written aside and renamed, so a running server never reads a half-written file.
  writeFileSync(`${out}.tmp`, `${JSON.stringify(defs, null, 1)}\n`);
  renameSync(`${out}.tmp`, out);
  process.stdout.write(`gen-openapi: ${Object.keys(defs).length} definitions → ${out}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    process.stderr.write(`gen-openapi: ${e.stack ?? e}\n`);
    process.exit(1);
  });
}
