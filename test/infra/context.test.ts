import { spawnSync } from 'node:child_process';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ContextError, contextTable, contextTableMarkdown, readContext } from '#infra/context';

const MISSING_SENDER =
  /Missing required context value senderEmail: .* Pass it to the CDK CLI, e\.g\. `npx cdk deploy -c senderEmail=quotes@example\.com`/;

describe('readContext', () => {
  it('fails with a sentence naming senderEmail and the -c flag when it is missing', () => {
    // Arrange
    const app = new App();
    // Act
    const read = () => readContext(app);
    // Assert
    expect(read).toThrow(ContextError);
    expect(read).toThrow(MISSING_SENDER);
  });

  it('applies the defaults of the context table', () => {
    const context = readContext(new App({ context: { senderEmail: 'quotes@example.com' } }));
    expect(context).toMatchObject({
      senderEmail: 'quotes@example.com',
      apiRateLimit: 50,
      apiBurstLimit: 100,
      publicRateLimit: 10,
      publicBurstLimit: 20,
      expireRateMinutes: 15,
      logRetentionDays: 30,
      logLevel: 'INFO',
      defaultCurrency: 'EUR',
      defaultLocale: 'en',
      nag: true,
      stackName: 'Closer',
    });
    expect(context.senderDomain).toBeUndefined();
    expect(context.account).toBeUndefined();
  });

  it('parses the strings -c passes into numbers and booleans', () => {
    const context = readContext(
      new App({
        context: {
          senderEmail: 'quotes@example.com',
          apiRateLimit: '5',
          nag: 'false',
          bundleAwsSdk: 'FALSE',
        },
      }),
    );
    expect(context.apiRateLimit).toBe(5);
    expect(context.nag).toBe(false);
    expect(context.bundleAwsSdk).toBe(false);
  });

  it('rejects malformed values with the flag that fixes them', () => {
    const read = (extra: Record<string, string>) => () =>
      readContext(new App({ context: { senderEmail: 'quotes@example.com', ...extra } }));
    expect(read({ apiRateLimit: 'fast' })).toThrow(
      /apiRateLimit must be a positive number.*-c apiRateLimit=/,
    );
    expect(read({ senderEmail: 'quotes' })).toThrow(/senderEmail must be an email address/);
    expect(read({ senderDomain: 'other.com' })).toThrow(/must be an address of senderDomain/);
    expect(read({ domainName: 'quotes.example.com' })).toThrow(/domainName and certificateArn go together/);
    expect(read({ logRetentionDays: '31' })).toThrow(/logRetentionDays must be a retention/);
    expect(read({ defaultCurrency: 'euro' })).toThrow(/defaultCurrency must be an ISO 4217 code/);
    expect(read({ defaultLocale: 'de' })).toThrow(/defaultLocale must be one of en, fr/);
  });

  it('renders every entry of the table for the README', () => {
    const markdown = contextTableMarkdown();
    for (const entry of contextTable) expect(markdown).toContain(`| \`${entry.name}\` |`);
    expect(markdown).toContain('| `senderEmail` | yes | — |');
  });
});

describe('infra/app.ts', () => {
  it('exits with the missing-sender sentence, not a stack trace, when synthesized without context', () => {
    // Act: the CDK CLI runs the app this way (cdk.json "app").
    const run = spawnSync('npx', ['tsx', 'infra/app.ts'], {
      cwd: process.cwd(),
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: '{}' },
    });
    // Assert
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(MISSING_SENDER);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
