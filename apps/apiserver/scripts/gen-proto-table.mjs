// Writes src/protobuf/table.json: for every protobuf message reachable from the kinds this server
// serves (packages/api/src/resources.ts, with their subresource kinds) plus DeleteOptions, the
// facts decode.ts needs to turn Kubernetes' protobuf wire form into the JSON that upstream's
// encoding/json would give for the same Go value.
//
// Two upstream sources are joined per message: `generated.proto` (field numbers and wire types)
// and the Go struct of the same name in the package named by `option go_package` (json name,
// `omitempty`, pointer-ness, `,inline` embedding — matched to the proto field by the number in
// its `protobuf:"…"` struct tag). Those sources are read from local checkouts and never copied:
//
//   node scripts/gen-proto-table.mjs <k8s.io/api checkout> <k8s.io/apimachinery checkout> [--out FILE]
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));
const repoRoot = resolve(appDir, '../..');
const ts = createRequire(join(repoRoot, 'package.json'))('typescript');

/** Messages whose JSON form is not their fields': decode.ts (opaque.ts) converts them itself. */
const OPAQUE = new Set([
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1',
  'k8s.io.apimachinery.pkg.api.resource.Quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString',
]);
/** Messages with a custom JSON form that opaque.ts does not know yet: reaching one is an error. */
const UNHANDLED = new Set(['k8s.io.apimachinery.pkg.apis.meta.v1.Duration', 'k8s.io.apimachinery.pkg.runtime.RawExtension']);
const SCALARS = new Set(['string', 'bool', 'bytes', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float']);
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
/** Kinds a client may send that the resource table does not list as a resource or subresource. */
const EXTRA_KINDS = [{ apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', message: `${META}.DeleteOptions` }];

function usage() {
  console.error('usage: node scripts/gen-proto-table.mjs <kubernetes/api dir> <kubernetes/apimachinery dir> [--out FILE]');
  process.exit(2);
}

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args.splice(outAt, 2)[1] : join(appDir, 'src/protobuf/table.json');
const [apiDir, machineryDir] = args;
if (!apiDir || !machineryDir || !out) usage();

/** Go import path → directory of the checkout holding it. */
function goDir(goPackage) {
  if (goPackage.startsWith('k8s.io/api/')) return join(apiDir, goPackage.slice('k8s.io/api/'.length));
  if (goPackage.startsWith('k8s.io/apimachinery/')) return join(machineryDir, goPackage.slice('k8s.io/apimachinery/'.length));
  throw new Error(`no checkout for Go package ${goPackage}`);
}

function* protoFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* protoFiles(p);
    else if (e.name === 'generated.proto') yield p;
  }
}

/** fqn → { name, pkg, goPackage, fields: [{ number, name, type, repeated, map }] } */
function parseProtos() {
  const messages = new Map();
  for (const root of [apiDir, machineryDir]) {
    for (const file of protoFiles(root)) {
      const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
      const pkg = /^package ([\w.]+);/m.exec(text)?.[1];
      const goPackage = /option go_package = "([^"]+)";/.exec(text)?.[1];
      if (!pkg || !goPackage) throw new Error(`${file}: no package or go_package`);
      const resolveType = (t) => (SCALARS.has(t) ? t : t.startsWith('.') ? t.slice(1) : `${pkg}.${t}`);
      for (const m of text.matchAll(/^message (\w+) \{([^}]*)\}/gm)) {
        const fields = [];
        for (const f of m[2].matchAll(/^\s*(optional|repeated) ([\w.]+) (\w+) = (\d+);/gm)) {
          fields.push({ number: Number(f[4]), name: f[3], type: resolveType(f[2]), repeated: f[1] === 'repeated' });
        }
        for (const f of m[2].matchAll(/^\s*map<(\w+), ([\w.]+)> (\w+) = (\d+);/gm)) {
          fields.push({ number: Number(f[4]), name: f[3], type: resolveType(f[2]), map: resolveType(f[1]) });
        }
        messages.set(`${pkg}.${m[1]}`, { name: m[1], goPackage, fields });
      }
    }
  }
  return messages;
}

/** Go type declarations of one package: struct name → fields by proto number; other named types. */
const goPackages = new Map();
function goPackage(goPackagePath) {
  let pkg = goPackages.get(goPackagePath);
  if (pkg) return pkg;
  pkg = { structs: new Map(), named: new Map() };
  const dir = goDir(goPackagePath);
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.go') || name.endsWith('_test.go') || name.startsWith('zz_') || name === 'generated.pb.go') continue;
    const text = readFileSync(join(dir, name), 'utf8');
    for (const s of text.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
      const fields = new Map();
      for (const line of s[2].split('\n')) {
        const tick = line.indexOf('`');
        const proto = /protobuf:"(\w+),(\d+),/.exec(line);
        if (tick < 0 || !proto) continue;
        const decl = line.slice(0, tick).trim().split(/\s+/);
        const goType = decl.length === 1 ? decl[0] : decl[1];
        const json = /json:"([^"]*)"/.exec(line)?.[1];
        const [jsonName = '', ...opts] = (json ?? '').split(',');
        fields.set(Number(proto[2]), {
          json: json === undefined ? (decl[0] ?? '') : jsonName,
          omitempty: opts.includes('omitempty'),
          pointer: goType.startsWith('*'),
          inline: decl.length === 1 && jsonName === '',
          hidden: jsonName === '-',
        });
      }
      pkg.structs.set(s[1], fields);
    }
    for (const t of text.matchAll(/^type (\w+) (\[\]\w+|map\[\w+\]\w+)$/gm)) pkg.named.set(t[1], t[2]);
  }
  goPackages.set(goPackagePath, pkg);
  return pkg;
}

/** The table entry of one message, or `{ items: … }` for a named Go slice wrapped in a message. */
function describe(fqn, message) {
  const pkg = goPackage(message.goPackage);
  const struct = pkg.structs.get(message.name);
  if (!struct) {
    const only = message.fields[0];
    if (pkg.named.get(message.name)?.startsWith('[]') && message.fields.length === 1 && only?.repeated) {
      return { items: only.type };
    }
    throw new Error(`${fqn}: no Go struct ${message.name} in ${message.goPackage}`);
  }
  const fields = {};
  for (const f of message.fields) {
    const go = struct.get(f.number);
    if (!go) throw new Error(`${fqn}.${f.name} (${f.number}): no Go field carries this number`);
    if (go.hidden) continue;
    const entry = { json: go.json, type: f.type };
    if (f.repeated) entry.repeated = true;
    if (f.map) entry.map = f.map;
    if (go.pointer) entry.pointer = true;
    if (go.omitempty) entry.omitempty = true;
    if (go.inline) entry.inline = true;
    fields[f.number] = entry;
  }
  return { fields };
}

async function loadResources() {
  const source = readFileSync(join(repoRoot, 'packages/api/src/resources.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const mod = await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
  return mod.RESOURCES;
}

/** apiVersion/kind → message name, for every kind a client may send to a served path. */
function rootKinds(resources, messages) {
  const roots = new Map();
  const add = (group, version, kind) => {
    const fqn = `k8s.io.api.${group === '' ? 'core' : group.split('.')[0]}.${version}.${kind}`;
    if (messages.has(fqn)) roots.set(`${group ? `${group}/` : ''}${version}/${kind}`, fqn);
  };
  for (const r of resources) {
    add(r.group, r.version, r.kind);
    for (const s of r.subresources) add(s.group ?? r.group, s.version ?? r.version, s.kind);
    // Every served group/version accepts DeleteOptions in its own apiVersion, as upstream registers it.
    roots.set(`${r.group ? `${r.group}/` : ''}${r.version}/DeleteOptions`, `${META}.DeleteOptions`);
  }
  for (const k of EXTRA_KINDS) roots.set(`${k.apiVersion}/${k.kind}`, k.message);
  return roots;
}

const messages = parseProtos();
const kinds = rootKinds(await loadResources(), messages);
const table = {};
const queue = [...new Set(kinds.values())];
while (queue.length > 0) {
  const fqn = queue.shift();
  if (table[fqn] || OPAQUE.has(fqn)) continue;
  if (UNHANDLED.has(fqn)) throw new Error(`${fqn} is reachable: teach src/protobuf/opaque.ts its JSON form first`);
  const message = messages.get(fqn);
  if (!message) throw new Error(`unknown message ${fqn}`);
  const entry = describe(fqn, message);
  table[fqn] = entry;
  const refs = entry.items ? [entry.items] : Object.values(entry.fields).map((f) => f.type);
  for (const t of refs) if (!SCALARS.has(t) && !table[t]) queue.push(t);
}

// One kind or message per line: diffs of a regenerated table stay readable.
const lines = (entries) => entries.map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
const kindLines = lines([...kinds].sort(([a], [b]) => a.localeCompare(b)));
const messageLines = lines(Object.keys(table).sort().map((k) => [k, table[k]]));
writeFileSync(`${out}.tmp`, `{\n "kinds": {\n${kindLines}\n },\n "messages": {\n${messageLines}\n }\n}\n`);
renameSync(`${out}.tmp`, out);
console.log(`wrote ${out}: ${kinds.size} kinds, ${Object.keys(table).length} messages`);
