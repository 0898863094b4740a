import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { preparedTemplates } from './templates.ts';

/** The repository root: esbuild runs here so package.json `imports` (`#domain/*`, ...) resolve. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where a function's Lambda entry point lives: one folder per function, `handler` exported. */
export function entryOf(name: string): string {
  return join(PROJECT_ROOT, 'functions', name, 'handler.ts');
}

/** Where build outputs wait to be copied into assets (git-ignored, like node_modules). */
export const BUILD_CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'closer-build');

/** templates/ as the bundles ship it: with the Handlebars templates precompiled. */
export function bundledTemplatesDir(): string {
  return preparedTemplates(PROJECT_ROOT, BUILD_CACHE_DIR);
}

/** Where templates/ lands in the Lambda (next to the bundle); functions read it from `TEMPLATES_DIR`. */
export const TEMPLATES_DIR_IN_LAMBDA = '/var/task/templates';

/** A file built or committed in the repository that a function reads next to its bundle at run time. */
export interface FunctionAsset {
  /** Path from the repository root. */
  from: string;
  /** Path inside the asset (next to index.mjs). */
  to: string;
  /** Shipped gzip-compressed (`to` should end in .gz): the function inflates it on first use. */
  gzip?: boolean;
}

/** Files copied next to a function's bundle, by function; bench/bundles.ts copies the same ones. */
const FUNCTION_ASSETS: Record<string, FunctionAsset[]> = {
  // The OpenAPI document, generated at build time (npm run openapi), served by GET /openapi.json:
  // 127 KB of JSON, 15 KB compressed.
  api: [{ from: 'functions/api/openapi.json', to: 'openapi.json.gz', gzip: true }],
};

export function functionAssets(name: string): FunctionAsset[] {
  return FUNCTION_ASSETS[name] ?? [];
}

/** The file to copy into the asset: the source itself, or its compressed copy under BUILD_CACHE_DIR. */
export function assetFile(asset: FunctionAsset): string {
  const source = join(PROJECT_ROOT, asset.from);
  if (!asset.gzip) return source;
  const out = join(BUILD_CACHE_DIR, 'assets', asset.to);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, gzipSync(readFileSync(source), { level: 9 }));
  return out;
}

/**
 * The AWS SDK packages left out of the bundle when the runtime's copy is used. `@smithy/*` goes with
 * them: a bundled smithy next to the runtime's SDK is the version mismatch the CDK flag
 * `sdkV3ExcludeSmithyPackages` exists to avoid.
 */
export const AWS_SDK_EXTERNALS = ['@aws-sdk/*', '@smithy/*'];

/**
 * esbuild settings shared by the construct and bench/bundles.ts, so the benchmark measures the
 * bundles that ship. ESM output needs a real `require` for the CommonJS dependencies esbuild wraps
 * (the SDK's and Powertools' internals call `require('node:...')`); the banner provides it under a
 * name no bundled module declares.
 */
export const HOUSE_ESBUILD = {
  target: 'node22',
  /** Packages and modules replaced by a stub (see each stub for why). */
  alias: {
    // Reading and checking the template folders: the bundles read templates/registry.json, written
    // and checked when templates/ was prepared for them (infra/constructs/templates.ts).
    '#render/template-files': join(PROJECT_ROOT, 'infra', 'bundle-stubs', 'template-files'),
    '@aws-sdk/credential-provider-node': join(
      PROJECT_ROOT,
      'infra',
      'bundle-stubs',
      'credential-provider-node',
    ),
  },
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner:
    "import { createRequire as __closerCreateRequire } from 'node:module';const require = __closerCreateRequire(import.meta.url);",
} as const;

/**
 * The stubs a bundle gets: all of HOUSE_ESBUILD.alias, but the SDK's with the runtime's SDK (its
 * credential chain is the runtime's too).
 */
export function houseAliases(options: { sdkExternal?: boolean } = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(HOUSE_ESBUILD.alias).filter(
      ([name]) => !options.sdkExternal || !name.startsWith('@aws-sdk/'),
    ),
  );
}

/**
 * The esbuild options of a function's bundle as the construct builds it (SDK bundled, stubs in),
 * for the code that builds bundles outside CDK: the bundle benchmark and the tests that check what a
 * bundle contains. `sdkExternal` leaves the SDK (and its stubs) out, as with `bundleAwsSdk: false`;
 * `stubs: false` builds without HOUSE_ESBUILD.alias (the bare-client baseline, an older checkout).
 */
export function houseBuildOptions(options: { sdkExternal?: boolean; stubs?: boolean } = {}) {
  return {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: HOUSE_ESBUILD.target,
    minify: HOUSE_ESBUILD.minify,
    sourcemap: HOUSE_ESBUILD.sourcemap,
    sourcesContent: HOUSE_ESBUILD.sourcesContent,
    mainFields: [...HOUSE_ESBUILD.mainFields],
    banner: { js: HOUSE_ESBUILD.banner },
    alias: options.stubs === false ? {} : houseAliases(options),
    external: options.sdkExternal ? [...AWS_SDK_EXTERNALS] : [],
  };
}

export interface CloserFunctionProps {
  /** The folder under functions/ holding the entry point (functions/<name>/handler.ts). */
  name: string;
  /** The entry point; defaults to functions/<name>/handler.ts. */
  entry?: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  logRetention: RetentionDays;
  /** POWERTOOLS_LOG_LEVEL. */
  logLevel: string;
  /** true: the SDK is bundled (pinned versions, tree-shaken); false: the Lambda runtime's copy. */
  bundleAwsSdk: boolean;
  /** Ships templates/ (HTML, fonts, locales) in the bundle and sets TEMPLATES_DIR. */
  shipTemplates: boolean;
  environment?: Record<string, string>;
}

/**
 * A Lambda function with the house defaults: Node.js 22 on arm64 (cheaper per GB-second), ESM
 * bundle built locally with esbuild (no Docker), minified with source maps, X-Ray tracing, its own
 * log group with a retention, Powertools logger settings, and a role that may only write its own logs.
 */
export class CloserFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: CloserFunctionProps) {
    const entry = props.entry ?? entryOf(props.name);
    if (!existsSync(entry)) {
      throw new Error(
        `Function ${props.name} has no entry point: ${relative(PROJECT_ROOT, entry)} does not exist. Write it (exporting \`handler\`) before deploying the routes or wiring that use it.`,
      );
    }
    const templates = join(PROJECT_ROOT, 'templates');
    if (props.shipTemplates && !existsSync(templates)) {
      throw new Error(`Function ${props.name} ships templates/, but ${templates} does not exist.`);
    }

    // Created in the parent scope because `this` does not exist before super(); an explicit log
    // group is how retention is set now that the function's `logRetention` prop is deprecated.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      // Function logs are diagnostics, not records: the table and the event log hold the history.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of the default one, which attaches AWSLambdaBasicExecutionRole
    // (logs:* on every log group); this one may write to its log group only.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.name} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'closer',
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        ...(props.shipTemplates ? { TEMPLATES_DIR: TEMPLATES_DIR_IN_LAMBDA } : {}),
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: HOUSE_ESBUILD.target,
        minify: HOUSE_ESBUILD.minify,
        sourceMap: HOUSE_ESBUILD.sourcemap,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: HOUSE_ESBUILD.sourcesContent,
        mainFields: [...HOUSE_ESBUILD.mainFields],
        banner: HOUSE_ESBUILD.banner,
        esbuildArgs: Object.fromEntries(
          Object.entries(houseAliases({ sdkExternal: !props.bundleAwsSdk })).map(([name, path]) => [
            `--alias:${name}`,
            path,
          ]),
        ),
        bundleAwsSDK: props.bundleAwsSdk,
        externalModules: props.bundleAwsSdk ? [] : [...AWS_SDK_EXTERNALS],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [
            ...(props.shipTemplates
              ? [`cp -R "${bundledTemplatesDir()}" "${join(outputDir, 'templates')}"`]
              : []),
            ...functionAssets(props.name).map(
              (asset) => `cp "${assetFile(asset)}" "${join(outputDir, asset.to)}"`,
            ),
          ],
        },
      },
    });

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) do not support resource-level permissions.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The runtime is pinned to nodejs22.x on purpose: the bundle targets node22 and the SDK bundling figures were measured for it; a runtime upgrade is a reviewed change, not a synth-time drift.',
    });
  }
}
