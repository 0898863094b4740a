/**
 * The function bundles `cdk deploy` uploads, for the local stack to run instead of the TypeScript
 * sources (`npm start -- --bundled`, test/integration/bundled.test.ts): what is missing from a bundle
 * (a font, a template, a locale) fails here as it would in Lambda.
 *
 * The real app is synthesized in this process: the same `CloserStack`, cdk.json feature flags and
 * context defaults as infra/app.ts, so NodejsFunction runs the same esbuild build and the same
 * afterBundling hooks as `cdk synth`. Each function's code is then found the way the deploy finds
 * it: the function's `Code.S3Key` in the template names a file asset of the stack's asset manifest,
 * whose source directory is the one cdk-assets zips and uploads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { PROJECT_ROOT } from '../constructs/function.ts';
import { readContext } from '../context.ts';
import { type CloserFunctionName, CloserStack, stackFunctionNames } from '../stack.ts';

/** The sender the local stack uses (start.ts); the bundles do not depend on it. */
const LOCAL_SENDER_EMAIL = 'quotes@closer.local';
/** Where Lambda unpacks the bundle: environment values under it point into the bundle. */
const LAMBDA_TASK_ROOT = '/var/task';

export interface FunctionBundle {
  /** The asset directory: exactly what is zipped and uploaded as the function's code. */
  dir: string;
  /** The module Lambda loads for the template's `Handler` (`index.handler` → `<dir>/index.mjs`). */
  file: string;
  /** The export Lambda calls (`handler`). */
  exportName: string;
  /**
   * The template's environment values that are paths inside the bundle (TEMPLATES_DIR
   * `/var/task/templates`), rewritten to the same path inside `dir`.
   */
  environment: Record<string, string>;
  /** The function's timeout in the template. */
  timeoutSeconds: number;
}

export type Bundles = Record<CloserFunctionName, FunctionBundle>;

interface TemplateFunction {
  Type: string;
  Properties: {
    Code?: { S3Key?: unknown };
    Handler?: unknown;
    Timeout?: unknown;
    Environment?: { Variables?: Record<string, unknown> };
  };
}

interface AssetManifest {
  files?: Record<
    string,
    {
      source: { path?: string; packaging?: string };
      destinations: Record<string, { objectKey?: string }>;
    }
  >;
}

/** The cdk.json context (feature flags) the CLI would pass to infra/app.ts. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/** Lambda's Node.js runtime resolves `index.handler` to index.js, index.mjs or index.cjs. */
function handlerModule(dir: string, handler: string, fn: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) {
    throw new Error(`function ${fn}: handler "${handler}" is not <module>.<export>`);
  }
  const base = join(dir, handler.slice(0, dot));
  const file = ['.mjs', '.js', '.cjs'].map((ext) => `${base}${ext}`).find((f) => existsSync(f));
  if (!file) throw new Error(`function ${fn}: the bundle in ${dir} has no module for handler "${handler}"`);
  return { file, exportName: handler.slice(dot + 1) };
}

/** Environment values the template sets to a path inside the bundle, moved to the asset directory. */
function bundlePaths(variables: Record<string, unknown>, dir: string): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value !== 'string') continue;
    if (value === LAMBDA_TASK_ROOT || value.startsWith(`${LAMBDA_TASK_ROOT}/`)) {
      paths[name] = join(dir, value.slice(LAMBDA_TASK_ROOT.length));
    }
  }
  return paths;
}

/**
 * Synthesizes the app into `outdir` (a cloud assembly, as `cdk synth -o <outdir>` writes) and
 * returns each function's bundle. cdk-nag is left off: it only validates the tree and adds template
 * metadata, it changes neither the bundles nor how they are found.
 */
export function synthBundles(outdir: string): Bundles {
  const app = new App({
    outdir,
    context: { ...cdkJsonContext(), senderEmail: LOCAL_SENDER_EMAIL, nag: false },
  });
  const context = readContext(app);
  const stack = new CloserStack(app, context.stackName, {
    context,
    env: context.account || context.region ? { account: context.account, region: context.region } : undefined,
  });
  const assembly = app.synth();
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const resources = (artifact.template as { Resources: Record<string, TemplateFunction> }).Resources;
  const manifestFile = artifact.dependencies
    .map((d) => (d as { file?: unknown }).file)
    .find((f): f is string => typeof f === 'string' && f.endsWith('.assets.json'));
  if (!manifestFile)
    throw new Error(`the cloud assembly in ${outdir} has no asset manifest for ${stack.stackName}`);
  const manifest = JSON.parse(
    readFileSync(isAbsolute(manifestFile) ? manifestFile : join(assembly.directory, manifestFile), 'utf8'),
  ) as AssetManifest;

  const bundles: Partial<Bundles> = {};
  for (const fn of stackFunctionNames()) {
    const construct = stack.functions.get(fn);
    if (!construct) throw new Error(`function ${fn} is not in the stack`);
    // The logical id comes from the construct, so nothing here depends on its hash or description.
    const logicalId = stack.getLogicalId(construct.node.defaultChild as CfnFunction);
    const resource = resources[logicalId];
    const objectKey = resource?.Properties.Code?.S3Key;
    if (resource?.Type !== 'AWS::Lambda::Function' || typeof objectKey !== 'string') {
      throw new Error(`function ${fn} (${logicalId}) has no S3 code in the template`);
    }
    const asset = Object.values(manifest.files ?? {}).find((file) =>
      Object.values(file.destinations).some((d) => d.objectKey === objectKey),
    );
    if (!asset?.source.path || asset.source.packaging !== 'zip') {
      throw new Error(`function ${fn}: no zipped directory asset uploads as ${objectKey}`);
    }
    const dir = isAbsolute(asset.source.path)
      ? asset.source.path
      : join(assembly.directory, asset.source.path);
    const handler = resource.Properties.Handler;
    if (typeof handler !== 'string') throw new Error(`function ${fn} has no handler in the template`);
    bundles[fn] = {
      dir,
      ...handlerModule(dir, handler, fn),
      environment: bundlePaths(resource.Properties.Environment?.Variables ?? {}, dir),
      timeoutSeconds: Number(resource.Properties.Timeout ?? 3),
    };
  }
  return bundles as Bundles;
}
