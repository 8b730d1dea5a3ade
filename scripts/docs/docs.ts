/**
 * `pnpm run docs`: the API reference (TypeDoc, HTML in docs/api/) of every public entry point of
 * every published package — each package's `exports` except `./internal` and `./package.json`,
 * so a new package or subpath is documented as soon as it exists. Fails when a public export has
 * no TSDoc, a link does not resolve, a public signature names a type no entry point exports, or a
 * function or class of a package's main entry point (what users call first: builders, sources,
 * sinks, operators, triggers, the testing harness) shows no `@example`.
 *
 *   pnpm run docs             # build docs/api/ (also `make docs`)
 *   pnpm run docs --check     # validate only (no HTML); integration/docs.test.ts runs it
 *
 * `run` is needed: pnpm 10 hands a bare `pnpm docs` to `npm docs` (which opens the package's web
 * page) before it looks at scripts.
 */
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, ReflectionKind, type DeclarationReflection, type ProjectReflection, type Reflection } from 'typedoc';
import { publishedPackages } from '../build/packages.ts';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const out = join(root, 'docs', 'api');
const checkOnly = process.argv.includes('--check');

interface EntryPoint {
  /** `@sluice/core`, `@sluice/core/connector` … */
  readonly specifier: string;
  readonly file: string;
  /** The package's main entry point: its functions and classes need an example. */
  readonly main: boolean;
}

function entryPoints(): EntryPoint[] {
  return publishedPackages(root).flatMap((pkg) =>
    Object.entries(pkg.manifest['exports'] as Record<string, string>)
      .filter(([key]) => key !== './package.json' && !key.endsWith('/internal'))
      .map(([key, file]) => ({
        specifier: key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`,
        file: join(pkg.dir, file),
        main: key === '.',
      })));
}

const entries = entryPoints();
const started = Date.now();
const app = await Application.bootstrapWithPlugins({
  entryPoints: entries.map((entry) => entry.file),
  entryPointStrategy: 'resolve',
  tsconfig: join(root, 'tsconfig.json'),
  name: 'Sluice',
  readme: join(root, 'README.md'),
  out,
  skipErrorChecking: true, // `pnpm typecheck` type-checks; this only documents
  // Source links from the repository URL, not from git: a clone without a GitHub remote (a local
  // clone, a CI checkout, a worktree) warned 'git remote "origin" was not valid' and failed.
  disableGit: true,
  basePath: root,
  sourceLinkTemplate: 'https://github.com/sluice-streaming/sluice/blob/main/{path}#L{line}',
  excludeInternal: true,
  excludePrivate: true,
  excludeProtected: true,
  sort: ['source-order'],
  // Undocumented exports are found below (TypeDoc's own check also demands every member's docs).
  validation: { notExported: true, invalidLink: true, notDocumented: false },
  treatValidationWarningsAsErrors: true,
  intentionallyNotExported: [],
  // TypeDoc only demands docs of the root package's own symbols unless told which packages count.
  packagesRequiringDocumentation: publishedPackages(root).map((pkg) => pkg.name),
  logLevel: 'Warn',
});

const project = await app.convert();
if (!project) {
  console.error('docs: TypeDoc could not convert the entry points');
  process.exit(1);
}
nameModules(project);
dropExternalInherited(project);
app.validate(project);
for (const name of undocumented(project)) app.logger.error(`${name} is exported but has no TSDoc`);
const missingExamples = withoutExample(project);
for (const name of missingExamples) app.logger.error(`${name} is what users call first but its TSDoc shows no @example`);
if (app.logger.hasErrors() || app.logger.hasWarnings()) {
  console.error(`docs: ${app.logger.errorCount} errors, ${app.logger.warningCount} warnings (see above)`);
  process.exit(1);
}
if (!checkOnly) await app.generateDocs(project, out);
const exported = project.children?.reduce((n, module) => n + (module.children?.length ?? 0), 0) ?? 0;
console.log(`docs: ${entries.length} entry points, ${exported} documented exports${checkOnly ? '' : `, written to ${relative(root, out)}/index.html`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/** Modules are shown by the name a user imports them by, not by their file path. */
function nameModules(project: ProjectReflection): void {
  for (const module of project.children ?? []) {
    const entry = entries.find((e) => module.sources?.some((s) => s.fullFileName === e.file));
    if (entry) module.name = entry.specifier;
  }
}

/**
 * Members a class inherits from a dependency (VirtualScheduler's from RxJS's TestScheduler) are
 * documented by that dependency; their comments link into its own site, so they are left out.
 */
function dropExternalInherited(project: ProjectReflection): void {
  for (const reflection of project.getReflectionsByKind(ReflectionKind.ClassMember)) {
    const declaration = reflection as DeclarationReflection;
    if (declaration.inheritedFrom && declaration.sources?.every((source) => source.fullFileName.includes('/node_modules/'))) {
      project.removeReflection(declaration);
    }
  }
}

/** Exports (of any public entry point) with no TSDoc on the declaration or its first signature. */
function undocumented(project: ProjectReflection): string[] {
  const missing: string[] = [];
  for (const module of project.children ?? []) {
    for (const child of module.children ?? []) {
      if (child.kindOf(ReflectionKind.Reference)) continue; // a re-export documented where it is declared
      const documented = child.hasComment() || (child.signatures ?? []).some((signature) => signature.hasComment());
      if (!documented) missing.push(`${module.name}: ${child.name}`);
    }
  }
  return missing;
}

/** Functions and classes exported from a package's main entry point whose TSDoc has no @example. */
function withoutExample(project: ProjectReflection): string[] {
  const missing: string[] = [];
  for (const module of project.children ?? []) {
    const entry = entries.find((e) => e.specifier === module.name);
    if (!entry?.main) continue;
    for (const child of module.children ?? []) {
      if (!child.kindOf(ReflectionKind.Function | ReflectionKind.Class)) continue;
      if (!hasExample(child)) missing.push(`${module.name}: ${child.name}`);
    }
  }
  return missing;
}

function hasExample(reflection: DeclarationReflection): boolean {
  const comments: Reflection[] = [reflection, ...(reflection.signatures ?? [])];
  if (reflection.kindOf(ReflectionKind.Class)) {
    const constructor = reflection.children?.find((c) => c.kindOf(ReflectionKind.Constructor));
    if (constructor) comments.push(constructor, ...(constructor.signatures ?? []));
  }
  return comments.some((r) => r.comment?.blockTags.some((tag) => tag.tag === '@example'));
}
