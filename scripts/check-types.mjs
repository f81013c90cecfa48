// The generated editor and framework files in types/ (written by
// `npm run analyze`): each exists, is reachable from package.json, names
// every attribute, event, CSS part and custom property of the manifest, and
// the TypeScript ones compile under --strict with the library checks on,
// accepting correct use and rejecting wrong values (examples/types).
// Prints one line per check; exits 1 if any failed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
const declarations = manifest.modules.flatMap((m) => m.declarations ?? []);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'pass' : 'FAIL'}  ${what}`);
  if (!ok) failures.push(what);
};

// Both elements: the member's code and the front desk's feed.
for (const tagName of ['gym-access-qr', 'gym-checkin-feed']) {
  const element = declarations.find((d) => d.tagName === tagName);
  check(Boolean(element), `manifest: <${tagName}> is declared`);
  if (!element) continue;
  const attributes = element.attributes.map((a) => a.name);
  const events = element.events.map((e) => e.name);
  const parts = element.cssParts.map((p) => p.name);
  const cssProperties = element.cssProperties.map((p) => p.name);
  const properties = element.members
    .filter((m) => m.kind === 'field' && !m.privacy && !m.static && !m.attribute)
    .map((m) => m.name);

  // The tools put an event's type text inside CustomEvent<…> themselves: the manifest must hold the detail type.
  for (const event of element.events) {
    check(
      event.type?.text && !/^CustomEvent\b/.test(event.type.text),
      `manifest: ${event.name} has a detail type, not CustomEvent<…> (it would be wrapped twice)`,
    );
  }
  for (const attribute of element.attributes) {
    check(Boolean(attribute.description), `manifest: attribute ${attribute.name} of <${tagName}> has a description`);
    check(
      !/^[A-Z]\w*$/.test(attribute.type?.text ?? ''),
      `manifest: attribute ${attribute.name} of <${tagName}> has a spelled-out type (${attribute.type?.text})`,
    );
  }

  const files = {
    'types/jsx.d.ts': [
      tagName,
      ...attributes,
      ...properties,
      ...events.map((e) => `on${e}`),
      ...parts,
      ...cssProperties,
    ],
    'types/react.d.ts': ['CustomElements', "declare module 'react'"],
    'types/vue.d.ts': [
      tagName,
      ...attributes,
      ...properties,
      ...events.map((e) => `on${e}`),
      ...parts,
      ...cssProperties,
    ],
    'types/vscode.html-custom-data.json': [tagName, ...attributes, ...events, ...parts, ...cssProperties],
    'types/vscode.css-custom-data.json': [...cssProperties, ...parts.map((p) => `::part(${p})`)],
    'types/web-types.json': [tagName, ...attributes, ...properties, ...events, ...parts, ...cssProperties],
  };
  for (const [file, names] of Object.entries(files)) {
    if (!existsSync(file)) {
      check(false, `${file} exists`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    const missing = names.filter((name) => !text.includes(name));
    check(
      missing.length === 0,
      `${file} names <${tagName}>'s ${names.length} attributes, properties, events, parts and custom properties${missing.length ? `; missing: ${missing.join(', ')}` : ''}`,
    );
  }
}

// Attribute values as completions in VS Code.
const vscode = JSON.parse(readFileSync('types/vscode.html-custom-data.json', 'utf8'));
const values = (name) =>
  vscode.tags
    .find((tag) => tag.name === 'gym-access-qr')
    .attributes.find((a) => a.name === name)
    ?.values.map((v) => v.name)
    .join(' ');
check(
  values('error-correction') === 'L M Q H',
  `vscode: error-correction offers L M Q H (${values('error-correction')})`,
);
check(
  values('after-checkin') === 'prompt refresh',
  `vscode: after-checkin offers prompt refresh (${values('after-checkin')})`,
);
check(
  values('credentials') === 'same-origin include omit',
  `vscode: credentials offers same-origin include omit (${values('credentials')})`,
);

// Reachable from package.json.
const reachable = {
  './react': pkg.exports['./react']?.types,
  './jsx': pkg.exports['./jsx']?.types,
  './vue': pkg.exports['./vue']?.types,
  './vscode.html-custom-data.json': pkg.exports['./vscode.html-custom-data.json'],
  './vscode.css-custom-data.json': pkg.exports['./vscode.css-custom-data.json'],
  'web-types': pkg['web-types'],
};
for (const [key, target] of Object.entries(reachable))
  check(Boolean(target) && existsSync(target), `package.json ${key} -> ${target}`);
check(pkg.files.includes('types'), 'package.json files ships types/');

const tsc = (project) => {
  try {
    execFileSync('npx', ['tsc', '-p', project], { stdio: 'pipe' });
    return '';
  } catch (error) {
    return String(error.stdout || error.message);
  }
};
for (const project of ['examples/types/tsconfig.json', 'examples/types/tsconfig.vue.json']) {
  const errors = tsc(project);
  check(
    !errors,
    `tsc --strict (no skipLibCheck) -p ${project}: right use compiles, every wrong use is an error${errors ? `\n${errors}` : ''}`,
  );
}

// As an app sees them: the package installed (a symlink in node_modules), reached through its exports.
const app = mkdtempSync(join(tmpdir(), 'gym-access-qr-app-'));
try {
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(resolve('.'), join(app, 'node_modules', 'gym-access-qr'), 'dir');
  const compilerOptions = {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2022', 'DOM'],
    jsx: 'react-jsx',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    types: [],
  };
  writeFileSync(
    join(app, 'react.tsx'),
    'import type {} from \'gym-access-qr/react\';\nexport const code = <gym-access-qr customer-id="1" token-endpoint="/a" error-correction="H" />;\n// @ts-expect-error not a level\nexport const wrong = <gym-access-qr error-correction="X" />;\n',
  );
  writeFileSync(
    join(app, 'vue.ts'),
    "import type { GlobalComponents } from 'vue';\nimport type {} from 'gym-access-qr/vue';\nexport const props: InstanceType<GlobalComponents['gym-access-qr']>['$props'] = { 'error-correction': 'H' };\n",
  );
  writeFileSync(
    join(app, 'tsconfig.react.json'),
    JSON.stringify({
      compilerOptions: { ...compilerOptions, typeRoots: [resolve('node_modules/@types')] },
      files: ['react.tsx'],
    }),
  );
  writeFileSync(
    join(app, 'tsconfig.vue.json'),
    JSON.stringify({
      compilerOptions: { ...compilerOptions, paths: { vue: [resolve('node_modules/vue')] } },
      files: ['vue.ts'],
    }),
  );
  for (const project of ['tsconfig.react.json', 'tsconfig.vue.json']) {
    const errors = tsc(join(app, project));
    check(
      !errors,
      `an app resolves gym-access-qr/${project.split('.')[1]} through package.json exports and compiles${errors ? `\n${errors}` : ''}`,
    );
  }
} finally {
  rmSync(app, { recursive: true, force: true });
}

// What npm would publish.
const [packed] = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }),
);
const shipped = new Set(packed.files.map((f) => f.path));
const generated = [
  'types/jsx.d.ts',
  'types/react.d.ts',
  'types/vue.d.ts',
  'types/vscode.html-custom-data.json',
  'types/vscode.css-custom-data.json',
  'types/web-types.json',
];
const unshipped = generated.filter((file) => !shipped.has(file));
check(
  unshipped.length === 0,
  `npm pack ships every generated file${unshipped.length ? `; missing: ${unshipped.join(', ')}` : ''}`,
);

if (failures.length) {
  console.error(`\n${failures.length} type check(s) failed`);
  process.exit(1);
}
console.log('\ngenerated types: all checks passed');
