import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { Node } from 'constructs';
import { LOCALES, type Locale } from '#render/i18n';

/**
 * Every CDK context value the app reads, in one table: the README renders it and `readContext`
 * parses it, so a value cannot be documented in one place and read under another name elsewhere.
 * Values come from `-c name=value` (always strings) or from cdk.json (JSON types); both are accepted.
 */
export type ContextKind = 'string' | 'number' | 'boolean' | 'email';

export interface ContextEntry {
  name: string;
  kind: ContextKind;
  required: boolean;
  /** Used when the value is not given; `undefined` means the feature is off. */
  default?: string | number | boolean;
  description: string;
}

export const contextTable = [
  {
    name: 'senderEmail',
    kind: 'email',
    required: true,
    description:
      'From address of every email Closer sends (quotes, signed copies, notices to reps). Verified as an SES email identity unless senderDomain is set.',
  },
  {
    name: 'senderDomain',
    kind: 'string',
    required: false,
    description:
      'Verify this whole domain (Easy DKIM) instead of the single address; senderEmail must belong to it. Publish the DKIM CNAME records SES shows.',
  },
  {
    name: 'alarmEmail',
    kind: 'email',
    required: false,
    description: 'Subscribes this address to the alarm topic (confirm the email SNS sends).',
  },
  {
    name: 'domainName',
    kind: 'string',
    required: false,
    description:
      'Custom domain for the API and the public quote pages (e.g. quotes.example.com); needs certificateArn. Quote links use it.',
  },
  {
    name: 'certificateArn',
    kind: 'string',
    required: false,
    description: 'ACM certificate covering domainName, in the same region as the stack.',
  },
  {
    name: 'repAppUrl',
    kind: 'string',
    required: false,
    description:
      "Base URL of the reps' app, for the deal links in notice emails (REP_APP_URL); unset, they point at the console (`<ConsoleUrl>`).",
  },
  {
    name: 'loginDomainPrefix',
    kind: 'string',
    required: false,
    description:
      'Prefix of the Cognito sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`), unique per region; default `closer-<stack name>-<account id>`.',
  },
  {
    name: 'sealTimestampUrl',
    kind: 'string',
    required: false,
    description:
      'RFC 3161 time-stamping authority URL: the seal of every signed copy then carries a timestamp token (PAdES B-T).',
  },
  {
    name: 'sealCertificateSecretArn',
    kind: 'string',
    required: false,
    description:
      "Secrets Manager secret holding the seal key's certificate chain (PEM, leaf first) from a CA on Adobe's trust list; unset, a self-signed certificate is built for the KMS key (untrusted in Acrobat).",
  },
  {
    name: 'defaultCurrency',
    kind: 'string',
    required: false,
    default: 'EUR',
    description: 'ISO 4217 currency of new deals and products when none is given (DEFAULT_CURRENCY).',
  },
  {
    name: 'defaultLocale',
    kind: 'string',
    required: false,
    default: 'en',
    description: 'Locale of quotes whose contact has none (DEFAULT_LOCALE): en or fr.',
  },
  {
    name: 'apiRateLimit',
    kind: 'number',
    required: false,
    default: 50,
    description: 'Steady-state requests per second for every route of the API (default stage).',
  },
  {
    name: 'apiBurstLimit',
    kind: 'number',
    required: false,
    default: 100,
    description: 'Burst of requests for every route of the API (default stage).',
  },
  {
    name: 'publicRateLimit',
    kind: 'number',
    required: false,
    default: 10,
    description: 'Steady-state requests per second for each public route (customer pages, /openapi.json).',
  },
  {
    name: 'publicBurstLimit',
    kind: 'number',
    required: false,
    default: 20,
    description: 'Burst of requests for each public route.',
  },
  {
    name: 'expireRateMinutes',
    kind: 'number',
    required: false,
    default: 15,
    description: 'How often the expire function marks quotes past their validUntil as expired.',
  },
  {
    name: 'logRetentionDays',
    kind: 'number',
    required: false,
    default: 30,
    description: 'Retention of function and API access logs, in days (a value CloudWatch Logs accepts).',
  },
  {
    name: 'logLevel',
    kind: 'string',
    required: false,
    default: 'INFO',
    description: 'POWERTOOLS_LOG_LEVEL of every function (DEBUG, INFO, WARN, ERROR).',
  },
  {
    name: 'bundleAwsSdk',
    kind: 'boolean',
    required: false,
    default: true,
    description:
      'Bundle the AWS SDK v3 into each function (pinned, tree-shaken) instead of using the copy in the Lambda runtime; see bench/results/bundles.json.',
  },
  {
    name: 'nag',
    kind: 'boolean',
    required: false,
    default: true,
    description: 'Run the cdk-nag AwsSolutions checks on synth; an unsuppressed finding fails the synth.',
  },
  {
    name: 'stackName',
    kind: 'string',
    required: false,
    default: 'Closer',
    description: 'CloudFormation stack name; deploy twice under two names for two environments.',
  },
  {
    name: 'account',
    kind: 'string',
    required: false,
    description: 'AWS account id to pin the stack to; unset, the stack is environment-agnostic.',
  },
  {
    name: 'region',
    kind: 'string',
    required: false,
    description: 'AWS region to pin the stack to; unset, the CLI profile decides at deploy time.',
  },
] as const satisfies readonly ContextEntry[];

export type ContextName = (typeof contextTable)[number]['name'];

/** The parsed context: what the stack is built from. */
export interface CloserContext {
  senderEmail: string;
  senderDomain?: string;
  alarmEmail?: string;
  domainName?: string;
  certificateArn?: string;
  repAppUrl?: string;
  sealTimestampUrl?: string;
  sealCertificateSecretArn?: string;
  loginDomainPrefix?: string;
  defaultCurrency: string;
  defaultLocale: Locale;
  apiRateLimit: number;
  apiBurstLimit: number;
  publicRateLimit: number;
  publicBurstLimit: number;
  expireRateMinutes: number;
  logRetentionDays: RetentionDays;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  bundleAwsSdk: boolean;
  nag: boolean;
  stackName: string;
  account?: string;
  region?: string;
}

/** A context value is missing or malformed; the message says which and how to pass it. */
export class ContextError extends Error {
  override name = 'ContextError';
}

const EXAMPLES: Partial<Record<ContextName, string>> = {
  senderEmail: 'quotes@example.com',
  senderDomain: 'example.com',
  alarmEmail: 'ops@example.com',
  domainName: 'quotes.example.com',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
  repAppUrl: 'https://crm.example.com',
};

function howToPass(name: ContextName): string {
  return `-c ${name}=${EXAMPLES[name] ?? '<value>'}`;
}

function entryOf(name: ContextName): ContextEntry {
  const entry = contextTable.find((e) => e.name === name);
  if (!entry) throw new ContextError(`unknown context value ${name}`);
  return entry;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Parses one raw value by its kind; `undefined` when absent (empty strings count as absent). */
function parse(entry: ContextEntry, raw: unknown): string | number | boolean | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const bad = (expected: string) =>
    new ContextError(
      `Context value ${entry.name} must be ${expected}, got ${JSON.stringify(raw)}: pass it as \`${howToPass(entry.name as ContextName)}\`.`,
    );
  switch (entry.kind) {
    case 'number': {
      const value = typeof raw === 'number' ? raw : Number(String(raw));
      if (!Number.isFinite(value) || value <= 0) throw bad('a positive number');
      return value;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const text = String(raw).toLowerCase();
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw bad('true or false');
    }
    case 'email': {
      const text = String(raw).trim();
      if (!EMAIL.test(text)) throw bad('an email address');
      return text;
    }
    case 'string':
      return String(raw).trim();
  }
}

function value(node: Node, name: ContextName): string | number | boolean | undefined {
  const entry = entryOf(name);
  const parsed = parse(entry, node.tryGetContext(name)) ?? entry.default;
  if (parsed === undefined && entry.required) {
    throw new ContextError(
      `Missing required context value ${name}: ${entry.description} Pass it to the CDK CLI, e.g. \`npx cdk deploy ${howToPass(name)}\`, or set it under "context" in cdk.json.`,
    );
  }
  return parsed;
}

const str = (node: Node, name: ContextName) => value(node, name) as string | undefined;
const num = (node: Node, name: ContextName) => value(node, name) as number;
const bool = (node: Node, name: ContextName) => value(node, name) as boolean;

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/**
 * Reads and validates every context value; throws a `ContextError` whose message names the value
 * and shows the `-c` flag that fixes it.
 */
export function readContext(scope: IConstruct | Node): CloserContext {
  const node = scope instanceof Node ? scope : scope.node;
  const senderEmail = str(node, 'senderEmail') ?? '';
  const senderDomain = str(node, 'senderDomain');
  if (senderDomain !== undefined && !senderEmail.toLowerCase().endsWith(`@${senderDomain.toLowerCase()}`)) {
    throw new ContextError(
      `Context value senderEmail (${senderEmail}) must be an address of senderDomain (${senderDomain}): SES only signs mail from the verified domain, e.g. \`-c senderDomain=example.com -c senderEmail=quotes@example.com\`.`,
    );
  }
  const domainName = str(node, 'domainName');
  const certificateArn = str(node, 'certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new ContextError(
      'Context values domainName and certificateArn go together: pass both, e.g. `-c domainName=quotes.example.com -c certificateArn=arn:aws:acm:...`, or neither.',
    );
  }
  const logRetentionDays = Math.round(num(node, 'logRetentionDays'));
  if (!(Object.values(RetentionDays) as unknown[]).includes(logRetentionDays)) {
    throw new ContextError(
      `Context value logRetentionDays must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...), got ${logRetentionDays}.`,
    );
  }
  const defaultCurrency = (str(node, 'defaultCurrency') ?? 'EUR').toUpperCase();
  if (!/^[A-Z]{3}$/.test(defaultCurrency)) {
    throw new ContextError(
      `Context value defaultCurrency must be an ISO 4217 code such as EUR or USD, got ${defaultCurrency}: pass it as \`-c defaultCurrency=USD\`.`,
    );
  }
  const defaultLocale = str(node, 'defaultLocale') ?? 'en';
  if (!(LOCALES as readonly string[]).includes(defaultLocale)) {
    throw new ContextError(
      `Context value defaultLocale must be one of ${LOCALES.join(', ')} (the locales templates/ ships), got ${defaultLocale}.`,
    );
  }
  const logLevel = (str(node, 'logLevel') ?? 'INFO').toUpperCase();
  if (!LOG_LEVELS.includes(logLevel as CloserContext['logLevel'])) {
    throw new ContextError(
      `Context value logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${logLevel}.`,
    );
  }
  return {
    senderEmail,
    senderDomain,
    alarmEmail: str(node, 'alarmEmail'),
    domainName,
    certificateArn,
    repAppUrl: str(node, 'repAppUrl'),
    sealTimestampUrl: str(node, 'sealTimestampUrl'),
    sealCertificateSecretArn: str(node, 'sealCertificateSecretArn'),
    loginDomainPrefix: loginDomainPrefix(str(node, 'loginDomainPrefix')),
    defaultCurrency,
    defaultLocale: defaultLocale as Locale,
    apiRateLimit: num(node, 'apiRateLimit'),
    apiBurstLimit: Math.round(num(node, 'apiBurstLimit')),
    publicRateLimit: num(node, 'publicRateLimit'),
    publicBurstLimit: Math.round(num(node, 'publicBurstLimit')),
    expireRateMinutes: Math.round(num(node, 'expireRateMinutes')),
    logRetentionDays: logRetentionDays as RetentionDays,
    logLevel: logLevel as CloserContext['logLevel'],
    bundleAwsSdk: bool(node, 'bundleAwsSdk'),
    nag: bool(node, 'nag'),
    stackName: str(node, 'stackName') ?? 'Closer',
    account: str(node, 'account'),
    region: str(node, 'region'),
  };
}

/** Cognito's rule for domain prefixes: lower-case letters, digits and hyphens, no reserved words. */
function loginDomainPrefix(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(value) || /aws|amazon|cognito/.test(value)) {
    throw new ContextError(
      `Context value loginDomainPrefix must be lower-case letters, digits and hyphens (at most 63, without aws, amazon or cognito), got ${value}.`,
    );
  }
  return value;
}

/** The context table as a Markdown table, for the README. */
export function contextTableMarkdown(): string {
  const rows: string[] = contextTable.map((e: ContextEntry) => {
    const fallback = e.default === undefined ? (e.required ? '—' : 'unset') : `\`${String(e.default)}\``;
    return `| \`${e.name}\` | ${e.required ? 'yes' : 'no'} | ${fallback} | ${e.description} |`;
  });
  return ['| Name | Required | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
