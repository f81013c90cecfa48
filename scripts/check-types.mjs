// The generated editor and framework files in types/ (written by
// `npm run analyze`): each exists, is reachable from package.json, names
// every attribute, event, CSS part and custom property of the manifest, and
// the TypeScript ones compile under --strict with the library checks on,
// accepting correct use and rejecting wrong values (examples/types).
// Prints one line per check; exits 1 if any failed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'gym-access-qr');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'pass' : 'FAIL'}  ${what}`);
  if (!ok) failures.push(what);
};

const attributes = element.attributes.map((a) => a.name);
const events = element.events.map((e) => e.name);
const parts = element.cssParts.map((p) => p.name);
const cssProperties = element.cssProperties.map((p) => p.name);
const properties = element.members.filter((m) => m.kind === 'field' && !m.privacy && !m.static && !m.attribute).map((m) => m.name);

// The tools put an event's type text inside CustomEvent<…> themselves: the manifest must hold the detail type.
for (const event of element.events) {
  check(event.type?.text && !/^CustomEvent\b/.test(event.type.text), `manifest: ${event.name} has a detail type, not CustomEvent<…> (it would be wrapped twice)`);
}
for (const attribute of element.attributes) {
  check(Boolean(attribute.description), `manifest: attribute ${attribute.name} has a description`);
  check(!/^[A-Z]\w*$/.test(attribute.type?.text ?? ''), `manifest: attribute ${attribute.name} has a spelled-out type (${attribute.type?.text})`);
}

const files = {
  'types/jsx.d.ts': [...attributes, ...properties, ...events.map((e) => `on${e}`), ...parts, ...cssProperties],
  'types/react.d.ts': ['CustomElements', "declare module 'react'"],
  'types/vue.d.ts': [...attributes, ...properties, ...events.map((e) => `on${e}`), ...parts, ...cssProperties],
  'types/vscode.html-custom-data.json': [...attributes, ...events, ...parts, ...cssProperties],
  'types/vscode.css-custom-data.json': [...cssProperties, ...parts.map((p) => `::part(${p})`)],
  'types/web-types.json': [...attributes, ...properties, ...events, ...parts, ...cssProperties],
};
for (const [file, names] of Object.entries(files)) {
  if (!existsSync(file)) {
    check(false, `${file} exists`);
    continue;
  }
  const text = readFileSync(file, 'utf8');
  const missing = names.filter((name) => !text.includes(name));
  check(missing.length === 0, `${file} names ${names.length} attributes, properties, events, parts and custom properties${missing.length ? `; missing: ${missing.join(', ')}` : ''}`);
}

// Attribute values as completions in VS Code.
const vscode = JSON.parse(readFileSync('types/vscode.html-custom-data.json', 'utf8'));
const values = (name) => vscode.tags[0].attributes.find((a) => a.name === name)?.values.map((v) => v.name).join(' ');
check(values('error-correction') === 'L M Q H', `vscode: error-correction offers L M Q H (${values('error-correction')})`);
check(values('after-checkin') === 'prompt refresh', `vscode: after-checkin offers prompt refresh (${values('after-checkin')})`);
check(values('credentials') === 'same-origin include omit', `vscode: credentials offers same-origin include omit (${values('credentials')})`);

// Reachable from package.json.
const reachable = {
  './react': pkg.exports['./react']?.types,
  './jsx': pkg.exports['./jsx']?.types,
  './vue': pkg.exports['./vue']?.types,
  './vscode.html-custom-data.json': pkg.exports['./vscode.html-custom-data.json'],
  './vscode.css-custom-data.json': pkg.exports['./vscode.css-custom-data.json'],
  'web-types': pkg['web-types'],
};
for (const [key, target] of Object.entries(reachable)) check(Boolean(target) && existsSync(target), `package.json ${key} -> ${target}`);
check(pkg.files.includes('types'), 'package.json files ships types/');

const tsc = (project) => {
  try {
    execFileSync('npx', ['tsc', '-p', project], { stdio: 'pipe' });
    return '';
  } catch (error) {
    return String(error.stdout || error.message);
  }
};
for (const project of ['examples/types/tsconfig.json', 'examples/types/tsconfig.vue.json', 'examples/react/tsconfig.json']) {
  const errors = tsc(project);
  check(!errors, `tsc --strict (no skipLibCheck) -p ${project}: right use compiles, every wrong use is an error${errors ? `\n${errors}` : ''}`);
}

if (failures.length) {
  console.error(`\n${failures.length} type check(s) failed`);
  process.exit(1);
}
console.log('\ngenerated types: all checks passed');
